-- Magento Open Source 2.4.8: the subset of its schema the legacy service stands on.
-- Table names, column names, types, keys and defaults follow Magento's db_schema.xml files
-- (Store, Eav, Catalog, CatalogInventory, Quote, Customer, User, Integration, JwtUserToken).
-- Columns this project never reads are kept where they define Magento's layout, so that a
-- dump of a real Magento database could be loaded into the same tables.
-- Every statement is idempotent (CREATE TABLE IF NOT EXISTS); the loader runs this file first.

SET FOREIGN_KEY_CHECKS = 0;

-- ---------------------------------------------------------------- Store
CREATE TABLE IF NOT EXISTS store_website (
  website_id smallint unsigned NOT NULL AUTO_INCREMENT,
  code varchar(32) DEFAULT NULL,
  name varchar(64) DEFAULT NULL,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  default_group_id smallint unsigned NOT NULL DEFAULT 0,
  is_default smallint unsigned DEFAULT 0,
  PRIMARY KEY (website_id),
  UNIQUE KEY STORE_WEBSITE_CODE (code),
  KEY STORE_WEBSITE_SORT_ORDER (sort_order),
  KEY STORE_WEBSITE_DEFAULT_GROUP_ID (default_group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS store_group (
  group_id smallint unsigned NOT NULL AUTO_INCREMENT,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL,
  root_category_id int unsigned NOT NULL DEFAULT 0,
  default_store_id smallint unsigned NOT NULL DEFAULT 0,
  code varchar(32) DEFAULT NULL,
  PRIMARY KEY (group_id),
  UNIQUE KEY STORE_GROUP_CODE (code),
  KEY STORE_GROUP_WEBSITE_ID (website_id),
  KEY STORE_GROUP_DEFAULT_STORE_ID (default_store_id),
  CONSTRAINT STORE_GROUP_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS store (
  store_id smallint unsigned NOT NULL AUTO_INCREMENT,
  code varchar(32) DEFAULT NULL,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  group_id smallint unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  is_active smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id),
  UNIQUE KEY STORE_CODE (code),
  KEY STORE_WEBSITE_ID (website_id),
  KEY STORE_IS_ACTIVE_SORT_ORDER (is_active, sort_order),
  KEY STORE_GROUP_ID (group_id),
  CONSTRAINT STORE_GROUP_ID_STORE_GROUP_GROUP_ID FOREIGN KEY (group_id)
    REFERENCES store_group (group_id) ON DELETE CASCADE,
  CONSTRAINT STORE_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- EAV metadata
CREATE TABLE IF NOT EXISTS eav_entity_type (
  entity_type_id smallint unsigned NOT NULL AUTO_INCREMENT,
  entity_type_code varchar(50) NOT NULL,
  entity_model varchar(255) NOT NULL,
  attribute_model varchar(255) DEFAULT NULL,
  entity_table varchar(255) DEFAULT NULL,
  value_table_prefix varchar(255) DEFAULT NULL,
  entity_id_field varchar(255) DEFAULT NULL,
  is_data_sharing smallint unsigned NOT NULL DEFAULT 1,
  data_sharing_key varchar(100) DEFAULT 'default',
  default_attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  increment_model varchar(255) DEFAULT NULL,
  increment_per_store smallint unsigned NOT NULL DEFAULT 0,
  increment_pad_length smallint unsigned NOT NULL DEFAULT 8,
  increment_pad_char varchar(1) NOT NULL DEFAULT '0',
  additional_attribute_table varchar(255) DEFAULT NULL,
  entity_attribute_collection varchar(255) DEFAULT NULL,
  PRIMARY KEY (entity_type_id),
  KEY EAV_ENTITY_TYPE_ENTITY_TYPE_CODE (entity_type_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS eav_attribute (
  attribute_id smallint unsigned NOT NULL AUTO_INCREMENT,
  entity_type_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_code varchar(255) NOT NULL,
  attribute_model varchar(255) DEFAULT NULL,
  backend_model varchar(255) DEFAULT NULL,
  backend_type varchar(8) NOT NULL DEFAULT 'static',
  backend_table varchar(255) DEFAULT NULL,
  frontend_model varchar(255) DEFAULT NULL,
  frontend_input varchar(50) DEFAULT NULL,
  frontend_label varchar(255) DEFAULT NULL,
  frontend_class varchar(255) DEFAULT NULL,
  source_model varchar(255) DEFAULT NULL,
  is_required smallint unsigned NOT NULL DEFAULT 0,
  is_user_defined smallint unsigned NOT NULL DEFAULT 0,
  default_value text,
  is_unique smallint unsigned NOT NULL DEFAULT 0,
  note varchar(255) DEFAULT NULL,
  PRIMARY KEY (attribute_id),
  UNIQUE KEY EAV_ATTRIBUTE_ENTITY_TYPE_ID_ATTRIBUTE_CODE (entity_type_id, attribute_code),
  KEY EAV_ATTRIBUTE_FRONTEND_INPUT_ENTITY_TYPE_ID_IS_USER_DEFINED (frontend_input, entity_type_id, is_user_defined),
  CONSTRAINT EAV_ATTRIBUTE_ENTITY_TYPE_ID_EAV_ENTITY_TYPE_ENTITY_TYPE_ID FOREIGN KEY (entity_type_id)
    REFERENCES eav_entity_type (entity_type_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS eav_attribute_set (
  attribute_set_id smallint unsigned NOT NULL AUTO_INCREMENT,
  entity_type_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_set_name varchar(255) DEFAULT NULL,
  sort_order smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (attribute_set_id),
  UNIQUE KEY EAV_ATTRIBUTE_SET_ENTITY_TYPE_ID_ATTRIBUTE_SET_NAME (entity_type_id, attribute_set_name),
  KEY EAV_ATTRIBUTE_SET_ENTITY_TYPE_ID_SORT_ORDER (entity_type_id, sort_order),
  CONSTRAINT EAV_ATTRIBUTE_SET_ENTITY_TYPE_ID_EAV_ENTITY_TYPE_ENTITY_TYPE_ID FOREIGN KEY (entity_type_id)
    REFERENCES eav_entity_type (entity_type_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS eav_attribute_group (
  attribute_group_id smallint unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_group_name varchar(255) DEFAULT NULL,
  sort_order smallint NOT NULL DEFAULT 0,
  default_id smallint unsigned DEFAULT 0,
  attribute_group_code varchar(255) NOT NULL,
  tab_group_code varchar(255) DEFAULT NULL,
  PRIMARY KEY (attribute_group_id),
  UNIQUE KEY EAV_ATTRIBUTE_GROUP_ATTRIBUTE_SET_ID_ATTRIBUTE_GROUP_CODE (attribute_set_id, attribute_group_code),
  UNIQUE KEY EAV_ATTRIBUTE_GROUP_ATTRIBUTE_SET_ID_ATTRIBUTE_GROUP_NAME (attribute_set_id, attribute_group_name),
  KEY EAV_ATTRIBUTE_GROUP_ATTRIBUTE_SET_ID_SORT_ORDER (attribute_set_id, sort_order),
  CONSTRAINT EAV_ATTR_GROUP_ATTR_SET_ID_EAV_ATTR_SET_ATTR_SET_ID FOREIGN KEY (attribute_set_id)
    REFERENCES eav_attribute_set (attribute_set_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS eav_entity_attribute (
  entity_attribute_id int unsigned NOT NULL AUTO_INCREMENT,
  entity_type_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_group_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  sort_order smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_attribute_id),
  UNIQUE KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_SET_ID_ATTRIBUTE_ID (attribute_set_id, attribute_id),
  UNIQUE KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_GROUP_ID_ATTRIBUTE_ID (attribute_group_id, attribute_id),
  KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_SET_ID_SORT_ORDER (attribute_set_id, sort_order),
  KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_ID (attribute_id),
  CONSTRAINT EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_ID_EAV_ATTRIBUTE_ATTRIBUTE_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT EAV_ENTT_ATTR_ATTR_GROUP_ID_EAV_ATTR_GROUP_ATTR_GROUP_ID FOREIGN KEY (attribute_group_id)
    REFERENCES eav_attribute_group (attribute_group_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS eav_attribute_option (
  option_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (option_id),
  KEY EAV_ATTRIBUTE_OPTION_ATTRIBUTE_ID (attribute_id),
  CONSTRAINT EAV_ATTRIBUTE_OPTION_ATTRIBUTE_ID_EAV_ATTRIBUTE_ATTRIBUTE_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS eav_attribute_option_value (
  value_id int unsigned NOT NULL AUTO_INCREMENT,
  option_id int unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  value varchar(255) DEFAULT NULL,
  PRIMARY KEY (value_id),
  KEY EAV_ATTRIBUTE_OPTION_VALUE_OPTION_ID (option_id),
  KEY EAV_ATTRIBUTE_OPTION_VALUE_STORE_ID (store_id),
  CONSTRAINT EAV_ATTR_OPT_VAL_OPT_ID_EAV_ATTR_OPT_OPT_ID FOREIGN KEY (option_id)
    REFERENCES eav_attribute_option (option_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_eav_attribute (
  attribute_id smallint unsigned NOT NULL,
  frontend_input_renderer varchar(255) DEFAULT NULL,
  is_global smallint unsigned NOT NULL DEFAULT 1,
  is_visible smallint unsigned NOT NULL DEFAULT 1,
  is_searchable smallint unsigned NOT NULL DEFAULT 0,
  is_filterable smallint unsigned NOT NULL DEFAULT 0,
  is_comparable smallint unsigned NOT NULL DEFAULT 0,
  is_visible_on_front smallint unsigned NOT NULL DEFAULT 0,
  is_html_allowed_on_front smallint unsigned NOT NULL DEFAULT 0,
  is_used_for_price_rules smallint unsigned NOT NULL DEFAULT 0,
  is_filterable_in_search smallint unsigned NOT NULL DEFAULT 0,
  used_in_product_listing smallint unsigned NOT NULL DEFAULT 0,
  used_for_sort_by smallint unsigned NOT NULL DEFAULT 0,
  apply_to varchar(255) DEFAULT NULL,
  is_visible_in_advanced_search smallint unsigned NOT NULL DEFAULT 0,
  position int NOT NULL DEFAULT 0,
  is_wysiwyg_enabled smallint unsigned NOT NULL DEFAULT 0,
  is_used_for_promo_rules smallint unsigned NOT NULL DEFAULT 0,
  is_required_in_admin_store smallint unsigned NOT NULL DEFAULT 0,
  is_used_in_grid smallint unsigned NOT NULL DEFAULT 0,
  is_visible_in_grid smallint unsigned NOT NULL DEFAULT 0,
  is_filterable_in_grid smallint unsigned NOT NULL DEFAULT 0,
  search_weight float NOT NULL DEFAULT 1,
  is_pagebuilder_enabled smallint unsigned NOT NULL DEFAULT 0,
  additional_data text,
  PRIMARY KEY (attribute_id),
  KEY CATALOG_EAV_ATTRIBUTE_USED_FOR_SORT_BY (used_for_sort_by),
  KEY CATALOG_EAV_ATTRIBUTE_USED_IN_PRODUCT_LISTING (used_in_product_listing),
  CONSTRAINT CATALOG_EAV_ATTRIBUTE_ATTRIBUTE_ID_EAV_ATTRIBUTE_ATTRIBUTE_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Catalog: products
CREATE TABLE IF NOT EXISTS catalog_product_entity (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  type_id varchar(32) NOT NULL DEFAULT 'simple',
  sku varchar(64) NOT NULL,
  has_options smallint NOT NULL DEFAULT 0,
  required_options smallint unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (entity_id),
  KEY CATALOG_PRODUCT_ENTITY_ATTRIBUTE_SET_ID (attribute_set_id),
  KEY CATALOG_PRODUCT_ENTITY_SKU (sku),
  KEY CATALOG_PRODUCT_ENTITY_UPDATED_AT (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_varchar (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value varchar(255) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_PRODUCT_ENTITY_VARCHAR_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_PRODUCT_ENTITY_VARCHAR_ATTRIBUTE_ID (attribute_id),
  KEY CATALOG_PRODUCT_ENTITY_VARCHAR_STORE_ID (store_id),
  CONSTRAINT CAT_PRD_ENTT_VCHR_ATTR_ID_EAV_ATTR_ATTR_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_ENTT_VCHR_ENTT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_VARCHAR_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_int (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value int DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_PRODUCT_ENTITY_INT_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_PRODUCT_ENTITY_INT_ATTRIBUTE_ID (attribute_id),
  KEY CATALOG_PRODUCT_ENTITY_INT_STORE_ID (store_id),
  KEY CATALOG_PRODUCT_ENTITY_INT_ATTRIBUTE_ID_STORE_ID_VALUE (attribute_id, store_id, value),
  CONSTRAINT CATALOG_PRODUCT_ENTITY_INT_ATTRIBUTE_ID__43DF1883E52F FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_INT_ENTITY_ID_CAT_A8AD30C2229F FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_INT_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_decimal (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value decimal(20,6) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_PRODUCT_ENTITY_DECIMAL_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_PRODUCT_ENTITY_DECIMAL_STORE_ID (store_id),
  KEY CATALOG_PRODUCT_ENTITY_DECIMAL_ATTRIBUTE_ID (attribute_id),
  CONSTRAINT CAT_PRD_ENTT_DEC_ATTR_ID_EAV_ATTR_ATTR_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_ENTT_DEC_ENTT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_DECIMAL_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_text (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value mediumtext,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_PRODUCT_ENTITY_TEXT_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_PRODUCT_ENTITY_TEXT_ATTRIBUTE_ID (attribute_id),
  KEY CATALOG_PRODUCT_ENTITY_TEXT_STORE_ID (store_id),
  CONSTRAINT CATALOG_PRODUCT_ENTITY_TEXT_ATTRIBUTE_ID_16B5666F9A38 FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_TEXT_ENTITY_ID_CA_E01CBDE44C4A FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_TEXT_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_datetime (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value datetime DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_PRODUCT_ENTITY_DATETIME_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_PRODUCT_ENTITY_DATETIME_ATTRIBUTE_ID (attribute_id),
  KEY CATALOG_PRODUCT_ENTITY_DATETIME_STORE_ID (store_id),
  CONSTRAINT CAT_PRD_ENTT_DTIME_ATTR_ID_EAV_ATTR_ATTR_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_ENTT_DTIME_ENTT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_ENTITY_DATETIME_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_website (
  product_id int unsigned NOT NULL,
  website_id smallint unsigned NOT NULL,
  PRIMARY KEY (product_id, website_id),
  KEY CATALOG_PRODUCT_WEBSITE_WEBSITE_ID (website_id),
  CONSTRAINT CATALOG_PRODUCT_WEBSITE_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE CASCADE,
  CONSTRAINT CATALOG_PRODUCT_WEBSITE_PRODUCT_ID_CATAL_EABE9170864B FOREIGN KEY (product_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_super_attribute (
  product_super_attribute_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  position smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (product_super_attribute_id),
  UNIQUE KEY CATALOG_PRODUCT_SUPER_ATTRIBUTE_PRODUCT_ID_ATTRIBUTE_ID (product_id, attribute_id),
  CONSTRAINT CAT_PRD_SPR_ATTR_PRD_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (product_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_super_link (
  link_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  parent_id int unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (link_id),
  UNIQUE KEY CATALOG_PRODUCT_SUPER_LINK_PRODUCT_ID_PARENT_ID (product_id, parent_id),
  KEY CATALOG_PRODUCT_SUPER_LINK_PARENT_ID (parent_id),
  CONSTRAINT CAT_PRD_SPR_LNK_PRD_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (product_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_SPR_LNK_PARENT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (parent_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_relation (
  parent_id int unsigned NOT NULL,
  child_id int unsigned NOT NULL,
  PRIMARY KEY (parent_id, child_id),
  KEY CATALOG_PRODUCT_RELATION_CHILD_ID (child_id),
  CONSTRAINT CAT_PRD_RELATION_CHILD_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (child_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_RELATION_PARENT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (parent_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_media_gallery (
  value_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  value varchar(255) DEFAULT NULL,
  media_type varchar(32) NOT NULL DEFAULT 'image',
  disabled smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (value_id),
  KEY CATALOG_PRODUCT_ENTITY_MEDIA_GALLERY_ATTRIBUTE_ID (attribute_id),
  CONSTRAINT CAT_PRD_ENTT_MDA_GLR_ATTR_ID_EAV_ATTR_ATTR_ID FOREIGN KEY (attribute_id)
    REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_media_gallery_value (
  value_id int unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  label varchar(255) DEFAULT NULL,
  position int unsigned DEFAULT NULL,
  disabled smallint unsigned NOT NULL DEFAULT 0,
  record_id int unsigned NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (record_id),
  KEY CATALOG_PRODUCT_ENTITY_MEDIA_GALLERY_VALUE_STORE_ID (store_id),
  KEY CATALOG_PRODUCT_ENTITY_MEDIA_GALLERY_VALUE_ENTITY_ID (entity_id),
  KEY CATALOG_PRODUCT_ENTITY_MEDIA_GALLERY_VALUE_VALUE_ID (value_id),
  CONSTRAINT CAT_PRD_ENTT_MDA_GLR_VAL_VAL_ID_CAT_PRD_ENTT_MDA_GLR_VAL_ID FOREIGN KEY (value_id)
    REFERENCES catalog_product_entity_media_gallery (value_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_ENTT_MDA_GLR_VAL_ENTT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_product_entity_media_gallery_value_to_entity (
  value_id int unsigned NOT NULL,
  entity_id int unsigned NOT NULL,
  PRIMARY KEY (value_id, entity_id),
  KEY CAT_PRD_ENTT_MDA_GLR_VAL_TO_ENTT_ENTT_ID (entity_id),
  CONSTRAINT CAT_PRD_ENTT_MDA_GLR_VAL_TO_ENTT_VAL_ID__A0591605D01C FOREIGN KEY (value_id)
    REFERENCES catalog_product_entity_media_gallery (value_id) ON DELETE CASCADE,
  CONSTRAINT CAT_PRD_ENTT_MDA_GLR_VAL_TO_ENTT_ENTT_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Catalog: categories
CREATE TABLE IF NOT EXISTS catalog_category_entity (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  parent_id int unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  path varchar(255) NOT NULL,
  position int NOT NULL,
  level int NOT NULL DEFAULT 0,
  children_count int NOT NULL,
  PRIMARY KEY (entity_id),
  KEY CATALOG_CATEGORY_ENTITY_LEVEL (level),
  KEY CATALOG_CATEGORY_ENTITY_PATH (path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_category_entity_varchar (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value varchar(255) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_CATEGORY_ENTITY_VARCHAR_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_CATEGORY_ENTITY_VARCHAR_ATTRIBUTE_ID (attribute_id),
  KEY CATALOG_CATEGORY_ENTITY_VARCHAR_STORE_ID (store_id),
  CONSTRAINT CAT_CTGR_ENTT_VCHR_ENTT_ID_CAT_CTGR_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_category_entity_int (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value int DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_CATEGORY_ENTITY_INT_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY CATALOG_CATEGORY_ENTITY_INT_ATTRIBUTE_ID (attribute_id),
  KEY CATALOG_CATEGORY_ENTITY_INT_STORE_ID (store_id),
  CONSTRAINT CAT_CTGR_ENTT_INT_ENTT_ID_CAT_CTGR_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_category_entity_decimal (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value decimal(20,6) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_CATEGORY_ENTITY_DECIMAL_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  CONSTRAINT CAT_CTGR_ENTT_DEC_ENTT_ID_CAT_CTGR_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_category_entity_text (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value mediumtext,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_CATEGORY_ENTITY_TEXT_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  CONSTRAINT CAT_CTGR_ENTT_TEXT_ENTT_ID_CAT_CTGR_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_category_entity_datetime (
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value datetime DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CATALOG_CATEGORY_ENTITY_DATETIME_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  CONSTRAINT CAT_CTGR_ENTT_DTIME_ENTT_ID_CAT_CTGR_ENTT_ENTT_ID FOREIGN KEY (entity_id)
    REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS catalog_category_product (
  entity_id int NOT NULL AUTO_INCREMENT,
  category_id int unsigned NOT NULL DEFAULT 0,
  product_id int unsigned NOT NULL DEFAULT 0,
  position int NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_id, category_id, product_id),
  UNIQUE KEY CATALOG_CATEGORY_PRODUCT_CATEGORY_ID_PRODUCT_ID (category_id, product_id),
  KEY CATALOG_CATEGORY_PRODUCT_PRODUCT_ID (product_id),
  CONSTRAINT CAT_CTGR_PRD_PRD_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (product_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CAT_CTGR_PRD_CTGR_ID_CAT_CTGR_ENTT_ENTT_ID FOREIGN KEY (category_id)
    REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Inventory (legacy CatalogInventory)
CREATE TABLE IF NOT EXISTS cataloginventory_stock (
  stock_id smallint unsigned NOT NULL AUTO_INCREMENT,
  website_id smallint unsigned NOT NULL,
  stock_name varchar(255) DEFAULT NULL,
  PRIMARY KEY (stock_id),
  KEY CATALOGINVENTORY_STOCK_WEBSITE_ID (website_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS cataloginventory_stock_item (
  item_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  stock_id smallint unsigned NOT NULL DEFAULT 0,
  qty decimal(12,4) DEFAULT NULL,
  min_qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  use_config_min_qty smallint unsigned NOT NULL DEFAULT 1,
  is_qty_decimal smallint unsigned NOT NULL DEFAULT 0,
  backorders smallint unsigned NOT NULL DEFAULT 0,
  use_config_backorders smallint unsigned NOT NULL DEFAULT 1,
  min_sale_qty decimal(12,4) NOT NULL DEFAULT 1.0000,
  use_config_min_sale_qty smallint unsigned NOT NULL DEFAULT 1,
  max_sale_qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  use_config_max_sale_qty smallint unsigned NOT NULL DEFAULT 1,
  is_in_stock smallint unsigned NOT NULL DEFAULT 0,
  low_stock_date timestamp NULL DEFAULT NULL,
  notify_stock_qty decimal(12,4) DEFAULT NULL,
  use_config_notify_stock_qty smallint unsigned NOT NULL DEFAULT 1,
  manage_stock smallint unsigned NOT NULL DEFAULT 0,
  use_config_manage_stock smallint unsigned NOT NULL DEFAULT 1,
  stock_status_changed_auto smallint unsigned NOT NULL DEFAULT 0,
  use_config_qty_increments smallint unsigned NOT NULL DEFAULT 1,
  qty_increments decimal(12,4) NOT NULL DEFAULT 0.0000,
  use_config_enable_qty_inc smallint unsigned NOT NULL DEFAULT 1,
  enable_qty_increments smallint unsigned NOT NULL DEFAULT 0,
  is_decimal_divided smallint unsigned NOT NULL DEFAULT 0,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id),
  UNIQUE KEY CATALOGINVENTORY_STOCK_ITEM_PRODUCT_ID_STOCK_ID (product_id, stock_id),
  KEY CATALOGINVENTORY_STOCK_ITEM_WEBSITE_ID (website_id),
  KEY CATALOGINVENTORY_STOCK_ITEM_WEBSITE_ID_PRODUCT_ID (website_id, product_id),
  KEY CATALOGINVENTORY_STOCK_ITEM_STOCK_ID (stock_id),
  CONSTRAINT CATINV_STOCK_ITEM_PRD_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (product_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATINV_STOCK_ITEM_STOCK_ID_CATINV_STOCK_STOCK_ID FOREIGN KEY (stock_id)
    REFERENCES cataloginventory_stock (stock_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS cataloginventory_stock_status (
  product_id int unsigned NOT NULL,
  website_id smallint unsigned NOT NULL,
  stock_id smallint unsigned NOT NULL,
  qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  stock_status smallint unsigned NOT NULL,
  PRIMARY KEY (product_id, website_id, stock_id),
  KEY CATALOGINVENTORY_STOCK_STATUS_STOCK_ID (stock_id),
  KEY CATALOGINVENTORY_STOCK_STATUS_WEBSITE_ID (website_id),
  KEY CATALOGINVENTORY_STOCK_STATUS_STOCK_STATUS (stock_status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Tax classes and customer groups
CREATE TABLE IF NOT EXISTS tax_class (
  class_id smallint NOT NULL AUTO_INCREMENT,
  class_name varchar(255) NOT NULL,
  class_type varchar(8) NOT NULL DEFAULT 'CUSTOMER',
  PRIMARY KEY (class_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS customer_group (
  customer_group_id int unsigned NOT NULL AUTO_INCREMENT,
  customer_group_code varchar(32) NOT NULL,
  tax_class_id int unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Customers
CREATE TABLE IF NOT EXISTS customer_entity (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  website_id smallint unsigned DEFAULT NULL,
  email varchar(255) DEFAULT NULL,
  group_id smallint unsigned NOT NULL DEFAULT 0,
  increment_id varchar(50) DEFAULT NULL,
  store_id smallint unsigned DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  is_active smallint unsigned NOT NULL DEFAULT 1,
  disable_auto_group_change smallint unsigned NOT NULL DEFAULT 0,
  created_in varchar(255) DEFAULT NULL,
  prefix varchar(40) DEFAULT NULL,
  firstname varchar(255) DEFAULT NULL,
  middlename varchar(255) DEFAULT NULL,
  lastname varchar(255) DEFAULT NULL,
  suffix varchar(40) DEFAULT NULL,
  dob date DEFAULT NULL,
  password_hash varchar(128) DEFAULT NULL,
  rp_token varchar(128) DEFAULT NULL,
  rp_token_created_at datetime DEFAULT NULL,
  default_billing int unsigned DEFAULT NULL,
  default_shipping int unsigned DEFAULT NULL,
  taxvat varchar(50) DEFAULT NULL,
  confirmation varchar(64) DEFAULT NULL,
  gender smallint unsigned DEFAULT NULL,
  failures_num smallint DEFAULT 0,
  first_failure timestamp NULL DEFAULT NULL,
  lock_expires timestamp NULL DEFAULT NULL,
  session_cutoff timestamp NULL DEFAULT NULL,
  PRIMARY KEY (entity_id),
  UNIQUE KEY CUSTOMER_ENTITY_EMAIL_WEBSITE_ID (email, website_id),
  KEY CUSTOMER_ENTITY_WEBSITE_ID (website_id),
  KEY CUSTOMER_ENTITY_FIRSTNAME (firstname),
  KEY CUSTOMER_ENTITY_LASTNAME (lastname),
  CONSTRAINT CUSTOMER_ENTITY_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE SET NULL,
  CONSTRAINT CUSTOMER_ENTITY_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS customer_address_entity (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  increment_id varchar(50) DEFAULT NULL,
  parent_id int unsigned DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  is_active smallint unsigned NOT NULL DEFAULT 1,
  city varchar(255) NOT NULL,
  company varchar(255) DEFAULT NULL,
  country_id varchar(255) NOT NULL,
  fax varchar(255) DEFAULT NULL,
  firstname varchar(255) NOT NULL,
  lastname varchar(255) NOT NULL,
  middlename varchar(255) DEFAULT NULL,
  postcode varchar(255) DEFAULT NULL,
  prefix varchar(40) DEFAULT NULL,
  region varchar(255) DEFAULT NULL,
  region_id int unsigned DEFAULT NULL,
  street text NOT NULL,
  suffix varchar(40) DEFAULT NULL,
  telephone varchar(255) NOT NULL,
  vat_id varchar(255) DEFAULT NULL,
  vat_is_valid int unsigned DEFAULT NULL,
  vat_request_date varchar(255) DEFAULT NULL,
  vat_request_id varchar(255) DEFAULT NULL,
  vat_request_success int unsigned DEFAULT NULL,
  PRIMARY KEY (entity_id),
  KEY CUSTOMER_ADDRESS_ENTITY_PARENT_ID (parent_id),
  CONSTRAINT CUSTOMER_ADDRESS_ENTITY_PARENT_ID_CUSTOMER_ENTITY_ENTITY_ID FOREIGN KEY (parent_id)
    REFERENCES customer_entity (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS directory_country_region (
  region_id int unsigned NOT NULL AUTO_INCREMENT,
  country_id varchar(4) NOT NULL DEFAULT '0',
  code varchar(32) DEFAULT NULL,
  default_name varchar(255) DEFAULT NULL,
  PRIMARY KEY (region_id),
  KEY DIRECTORY_COUNTRY_REGION_COUNTRY_ID (country_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Admin users and tokens
CREATE TABLE IF NOT EXISTS admin_user (
  user_id int unsigned NOT NULL AUTO_INCREMENT,
  firstname varchar(32) DEFAULT NULL,
  lastname varchar(32) DEFAULT NULL,
  email varchar(128) DEFAULT NULL,
  username varchar(40) DEFAULT NULL,
  password varchar(255) NOT NULL,
  created timestamp NOT NULL DEFAULT current_timestamp(),
  modified timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  logdate timestamp NULL DEFAULT NULL,
  lognum smallint unsigned NOT NULL DEFAULT 0,
  reload_acl_flag smallint NOT NULL DEFAULT 0,
  is_active smallint NOT NULL DEFAULT 1,
  extra mediumtext,
  rp_token text,
  rp_token_created_at timestamp NULL DEFAULT NULL,
  interface_locale varchar(16) NOT NULL DEFAULT 'en_US',
  failures_num smallint DEFAULT 0,
  first_failure timestamp NULL DEFAULT NULL,
  lock_expires timestamp NULL DEFAULT NULL,
  PRIMARY KEY (user_id),
  UNIQUE KEY ADMIN_USER_USERNAME (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS oauth_token (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  consumer_id int unsigned DEFAULT NULL,
  admin_id int unsigned DEFAULT NULL,
  customer_id int unsigned DEFAULT NULL,
  type varchar(16) NOT NULL,
  token varchar(32) NOT NULL,
  secret varchar(128) NOT NULL,
  verifier varchar(32) DEFAULT NULL,
  callback_url text NOT NULL,
  revoked smallint unsigned NOT NULL DEFAULT 0,
  authorized smallint unsigned NOT NULL DEFAULT 0,
  user_type int DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  PRIMARY KEY (entity_id),
  UNIQUE KEY OAUTH_TOKEN_TOKEN (token),
  KEY OAUTH_TOKEN_CONSUMER_ID (consumer_id),
  KEY OAUTH_TOKEN_CREATED_AT (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS oauth_token_request_log (
  log_id int unsigned NOT NULL AUTO_INCREMENT,
  user_name varchar(255) NOT NULL,
  user_type smallint unsigned NOT NULL,
  failures_count smallint unsigned DEFAULT 0,
  lock_expires_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (log_id),
  UNIQUE KEY OAUTH_TOKEN_REQUEST_LOG_USER_NAME_USER_TYPE (user_name, user_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS jwt_auth_revoked (
  user_type_id int unsigned NOT NULL,
  user_id int unsigned NOT NULL,
  revoke_before bigint unsigned NOT NULL,
  PRIMARY KEY (user_type_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------- Quote (carts)
CREATE TABLE IF NOT EXISTS quote (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  converted_at timestamp NULL DEFAULT NULL,
  is_active smallint unsigned DEFAULT 1,
  is_virtual smallint unsigned DEFAULT 0,
  is_multi_shipping smallint unsigned DEFAULT 0,
  items_count int unsigned DEFAULT 0,
  items_qty decimal(12,4) DEFAULT 0.0000,
  orig_order_id int unsigned DEFAULT 0,
  store_to_base_rate decimal(12,4) DEFAULT 0.0000,
  store_to_quote_rate decimal(12,4) DEFAULT 0.0000,
  base_currency_code varchar(255) DEFAULT NULL,
  store_currency_code varchar(255) DEFAULT NULL,
  quote_currency_code varchar(255) DEFAULT NULL,
  grand_total decimal(20,4) DEFAULT 0.0000,
  base_grand_total decimal(20,4) DEFAULT 0.0000,
  checkout_method varchar(255) DEFAULT NULL,
  customer_id int unsigned DEFAULT NULL,
  customer_tax_class_id int unsigned DEFAULT NULL,
  customer_group_id int unsigned DEFAULT 0,
  customer_email varchar(255) DEFAULT NULL,
  customer_prefix varchar(40) DEFAULT NULL,
  customer_firstname varchar(255) DEFAULT NULL,
  customer_middlename varchar(40) DEFAULT NULL,
  customer_lastname varchar(255) DEFAULT NULL,
  customer_suffix varchar(40) DEFAULT NULL,
  customer_dob datetime DEFAULT NULL,
  customer_note text,
  customer_note_notify smallint unsigned DEFAULT 1,
  customer_is_guest smallint unsigned DEFAULT 0,
  remote_ip varchar(45) DEFAULT NULL,
  applied_rule_ids varchar(255) DEFAULT NULL,
  reserved_order_id varchar(64) DEFAULT NULL,
  password_hash varchar(255) DEFAULT NULL,
  coupon_code varchar(255) DEFAULT NULL,
  global_currency_code varchar(255) DEFAULT NULL,
  base_to_global_rate decimal(20,4) DEFAULT NULL,
  base_to_quote_rate decimal(20,4) DEFAULT NULL,
  customer_taxvat varchar(255) DEFAULT NULL,
  customer_gender varchar(255) DEFAULT NULL,
  subtotal decimal(20,4) DEFAULT NULL,
  base_subtotal decimal(20,4) DEFAULT NULL,
  subtotal_with_discount decimal(20,4) DEFAULT NULL,
  base_subtotal_with_discount decimal(20,4) DEFAULT NULL,
  is_changed int unsigned DEFAULT NULL,
  trigger_recollect smallint NOT NULL DEFAULT 0,
  ext_shipping_info text,
  gift_message_id int DEFAULT NULL,
  is_persistent smallint unsigned DEFAULT 0,
  PRIMARY KEY (entity_id),
  KEY QUOTE_CUSTOMER_ID_STORE_ID_IS_ACTIVE (customer_id, store_id, is_active),
  KEY QUOTE_STORE_ID_UPDATED_AT (store_id, updated_at),
  CONSTRAINT QUOTE_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS quote_address (
  address_id int unsigned NOT NULL AUTO_INCREMENT,
  quote_id int unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  customer_id int unsigned DEFAULT NULL,
  save_in_address_book smallint DEFAULT 0,
  customer_address_id int unsigned DEFAULT NULL,
  address_type varchar(10) DEFAULT NULL,
  email varchar(255) DEFAULT NULL,
  prefix varchar(40) DEFAULT NULL,
  firstname varchar(255) DEFAULT NULL,
  middlename varchar(40) DEFAULT NULL,
  lastname varchar(255) DEFAULT NULL,
  suffix varchar(40) DEFAULT NULL,
  company varchar(255) DEFAULT NULL,
  street varchar(255) DEFAULT NULL,
  city varchar(255) DEFAULT NULL,
  region varchar(255) DEFAULT NULL,
  region_id int unsigned DEFAULT NULL,
  postcode varchar(20) DEFAULT NULL,
  country_id varchar(30) DEFAULT NULL,
  telephone varchar(255) DEFAULT NULL,
  fax varchar(255) DEFAULT NULL,
  same_as_billing smallint unsigned NOT NULL DEFAULT 0,
  collect_shipping_rates smallint unsigned NOT NULL DEFAULT 0,
  shipping_method varchar(120) DEFAULT NULL,
  shipping_description varchar(255) DEFAULT NULL,
  weight decimal(12,4) NOT NULL DEFAULT 0.0000,
  subtotal decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_subtotal decimal(20,4) NOT NULL DEFAULT 0.0000,
  subtotal_with_discount decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_subtotal_with_discount decimal(20,4) NOT NULL DEFAULT 0.0000,
  tax_amount decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_tax_amount decimal(20,4) NOT NULL DEFAULT 0.0000,
  shipping_amount decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_shipping_amount decimal(20,4) NOT NULL DEFAULT 0.0000,
  shipping_tax_amount decimal(20,4) DEFAULT NULL,
  base_shipping_tax_amount decimal(20,4) DEFAULT NULL,
  discount_amount decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_discount_amount decimal(20,4) NOT NULL DEFAULT 0.0000,
  grand_total decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_grand_total decimal(20,4) NOT NULL DEFAULT 0.0000,
  customer_notes text,
  applied_taxes text,
  discount_description varchar(255) DEFAULT NULL,
  shipping_discount_amount decimal(20,4) DEFAULT NULL,
  base_shipping_discount_amount decimal(20,4) DEFAULT NULL,
  subtotal_incl_tax decimal(20,4) DEFAULT NULL,
  base_subtotal_total_incl_tax decimal(20,4) DEFAULT NULL,
  discount_tax_compensation_amount decimal(20,4) DEFAULT NULL,
  base_discount_tax_compensation_amount decimal(20,4) DEFAULT NULL,
  shipping_discount_tax_compensation_amount decimal(20,4) DEFAULT NULL,
  base_shipping_discount_tax_compensation_amnt decimal(20,4) DEFAULT NULL,
  shipping_incl_tax decimal(20,4) DEFAULT NULL,
  base_shipping_incl_tax decimal(20,4) DEFAULT NULL,
  vat_id text,
  vat_is_valid smallint DEFAULT NULL,
  vat_request_id text,
  vat_request_date text,
  vat_request_success smallint DEFAULT NULL,
  validated_country_code text,
  validated_vat_number text,
  gift_message_id int DEFAULT NULL,
  free_shipping smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (address_id),
  KEY QUOTE_ADDRESS_QUOTE_ID (quote_id),
  CONSTRAINT QUOTE_ADDRESS_QUOTE_ID_QUOTE_ENTITY_ID FOREIGN KEY (quote_id)
    REFERENCES quote (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS quote_item (
  item_id int unsigned NOT NULL AUTO_INCREMENT,
  quote_id int unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  product_id int unsigned DEFAULT NULL,
  store_id smallint unsigned DEFAULT NULL,
  parent_item_id int unsigned DEFAULT NULL,
  is_virtual smallint unsigned DEFAULT NULL,
  sku varchar(255) DEFAULT NULL,
  name varchar(255) DEFAULT NULL,
  description text,
  applied_rule_ids text,
  additional_data text,
  is_qty_decimal smallint unsigned DEFAULT NULL,
  no_discount smallint unsigned DEFAULT 0,
  weight decimal(12,4) DEFAULT 0.0000,
  qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  price decimal(12,4) NOT NULL DEFAULT 0.0000,
  base_price decimal(12,4) NOT NULL DEFAULT 0.0000,
  custom_price decimal(12,4) DEFAULT NULL,
  discount_percent decimal(12,4) DEFAULT 0.0000,
  discount_amount decimal(20,4) DEFAULT 0.0000,
  base_discount_amount decimal(20,4) DEFAULT 0.0000,
  tax_percent decimal(12,4) DEFAULT 0.0000,
  tax_amount decimal(20,4) DEFAULT 0.0000,
  base_tax_amount decimal(20,4) DEFAULT 0.0000,
  row_total decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_row_total decimal(20,4) NOT NULL DEFAULT 0.0000,
  row_total_with_discount decimal(20,4) DEFAULT 0.0000,
  row_weight decimal(12,4) DEFAULT 0.0000,
  product_type varchar(255) DEFAULT NULL,
  base_tax_before_discount decimal(20,4) DEFAULT NULL,
  tax_before_discount decimal(20,4) DEFAULT NULL,
  original_custom_price decimal(12,4) DEFAULT NULL,
  redirect_url varchar(255) DEFAULT NULL,
  base_cost decimal(12,4) DEFAULT NULL,
  price_incl_tax decimal(20,4) DEFAULT NULL,
  base_price_incl_tax decimal(20,4) DEFAULT NULL,
  row_total_incl_tax decimal(20,4) DEFAULT NULL,
  base_row_total_incl_tax decimal(20,4) DEFAULT NULL,
  discount_tax_compensation_amount decimal(20,4) DEFAULT NULL,
  base_discount_tax_compensation_amount decimal(20,4) DEFAULT NULL,
  free_shipping smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id),
  KEY QUOTE_ITEM_PARENT_ITEM_ID (parent_item_id),
  KEY QUOTE_ITEM_PRODUCT_ID (product_id),
  KEY QUOTE_ITEM_QUOTE_ID (quote_id),
  KEY QUOTE_ITEM_STORE_ID (store_id),
  CONSTRAINT QUOTE_ITEM_PARENT_ITEM_ID_QUOTE_ITEM_ITEM_ID FOREIGN KEY (parent_item_id)
    REFERENCES quote_item (item_id) ON DELETE CASCADE,
  CONSTRAINT QUOTE_ITEM_QUOTE_ID_QUOTE_ENTITY_ID FOREIGN KEY (quote_id)
    REFERENCES quote (entity_id) ON DELETE CASCADE,
  CONSTRAINT QUOTE_ITEM_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS quote_item_option (
  option_id int unsigned NOT NULL AUTO_INCREMENT,
  item_id int unsigned NOT NULL,
  product_id int unsigned NOT NULL,
  code varchar(255) NOT NULL,
  value text,
  PRIMARY KEY (option_id),
  KEY QUOTE_ITEM_OPTION_ITEM_ID (item_id),
  CONSTRAINT QUOTE_ITEM_OPTION_ITEM_ID_QUOTE_ITEM_ITEM_ID FOREIGN KEY (item_id)
    REFERENCES quote_item (item_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS quote_id_mask (
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  quote_id int unsigned NOT NULL,
  masked_id varchar(32) DEFAULT NULL,
  PRIMARY KEY (entity_id, quote_id),
  KEY QUOTE_ID_MASK_QUOTE_ID (quote_id),
  KEY QUOTE_ID_MASK_MASKED_ID (masked_id),
  CONSTRAINT QUOTE_ID_MASK_QUOTE_ID_QUOTE_ENTITY_ID FOREIGN KEY (quote_id)
    REFERENCES quote (entity_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

SET FOREIGN_KEY_CHECKS = 1;

-- The new catalog's own schema: flat, store-resolved, shaped for the catalog service's reads.
--
-- Not Magento's EAV. The ETL resolves every value for each store view once (store value over
-- the store-0 default) and writes one row per product and store:
--   product         the whole product as the store sees it (`document`, new_services/catalog/
--                   documents.py) plus the columns reads look it up by; one SELECT answers
--                   GET products/{sku}
--   product_value   one row per product, store and attribute, typed as the attribute's backend
--                   type: what searchCriteria filters and sorts on (same comparisons as Magento's
--                   collection: a decimal compares as a number, a varchar as text)
--   product_category, product_website   the link filters (category_id, website_id)
--   category        every category as a store sees it, with its product count, as a document
--   category_value  category attributes for categories/list searchCriteria
--   catalog_attribute  the attribute metadata search needs (code -> backend type)
--   etl_state       watermarks and checkpoints: incremental and resumable runs
-- Every statement is idempotent; the ETL runs this file before it writes.

CREATE TABLE IF NOT EXISTS catalog_attribute (
  entity_type varchar(32) NOT NULL,           -- catalog_product | catalog_category
  code varchar(255) NOT NULL,
  attribute_id int unsigned NOT NULL,         -- the legacy id (custom_attributes are ordered by it)
  backend_type varchar(8) NOT NULL,           -- static | varchar | int | decimal | text | datetime
  frontend_input varchar(50) DEFAULT NULL,
  label varchar(255) DEFAULT NULL,
  is_global smallint unsigned NOT NULL DEFAULT 1,
  is_user_defined tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_type, code),
  UNIQUE KEY CATALOG_ATTRIBUTE_ID (entity_type, attribute_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS product (
  store_id smallint unsigned NOT NULL,
  entity_id int unsigned NOT NULL,
  sku varchar(64) NOT NULL,                   -- same collation as Magento: lookups ignore case
  type_id varchar(32) NOT NULL,
  attribute_set_id smallint unsigned NOT NULL,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,     -- legacy's updated_at: the incremental watermark
  document longtext NOT NULL,                 -- documents.product_document(), JSON
  checksum char(64) NOT NULL,                 -- documents.checksum(document): reconciliation
  PRIMARY KEY (store_id, entity_id),
  UNIQUE KEY PRODUCT_STORE_SKU (store_id, sku),
  KEY PRODUCT_STORE_UPDATED (store_id, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS product_value (
  store_id smallint unsigned NOT NULL,
  entity_id int unsigned NOT NULL,
  code varchar(255) NOT NULL,
  value_int int DEFAULT NULL,
  value_decimal decimal(20,6) DEFAULT NULL,
  value_varchar varchar(255) DEFAULT NULL,
  value_text mediumtext DEFAULT NULL,
  value_datetime datetime DEFAULT NULL,
  PRIMARY KEY (store_id, entity_id, code),
  KEY PRODUCT_VALUE_INT (store_id, code, value_int),
  KEY PRODUCT_VALUE_DECIMAL (store_id, code, value_decimal),
  KEY PRODUCT_VALUE_VARCHAR (store_id, code, value_varchar(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS product_category (
  entity_id int unsigned NOT NULL,
  category_id int unsigned NOT NULL,
  position int NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_id, category_id),
  KEY PRODUCT_CATEGORY_CATEGORY (category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS product_website (
  entity_id int unsigned NOT NULL,
  website_id smallint unsigned NOT NULL,
  PRIMARY KEY (entity_id, website_id),
  KEY PRODUCT_WEBSITE_WEBSITE (website_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS category (
  store_id smallint unsigned NOT NULL,
  entity_id int unsigned NOT NULL,
  parent_id int unsigned NOT NULL,
  path varchar(255) NOT NULL,
  position int NOT NULL,
  level int NOT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  document mediumtext NOT NULL,               -- documents.category_document(), JSON
  checksum char(64) NOT NULL,
  PRIMARY KEY (store_id, entity_id),
  KEY CATEGORY_STORE_PARENT (store_id, parent_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS category_value (
  store_id smallint unsigned NOT NULL,
  entity_id int unsigned NOT NULL,
  code varchar(255) NOT NULL,
  value_int int DEFAULT NULL,
  value_decimal decimal(20,6) DEFAULT NULL,
  value_varchar varchar(255) DEFAULT NULL,
  value_text mediumtext DEFAULT NULL,
  value_datetime datetime DEFAULT NULL,
  PRIMARY KEY (store_id, entity_id, code),
  KEY CATEGORY_VALUE_VARCHAR (store_id, code, value_varchar(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS etl_state (
  name varchar(64) NOT NULL,                  -- e.g. products, categories
  watermark timestamp NULL DEFAULT NULL,      -- legacy updated_at fully migrated up to here
  checkpoint int unsigned NOT NULL DEFAULT 0, -- last entity id written by an unfinished run
  run_started_at timestamp NULL DEFAULT NULL,
  run_finished_at timestamp NULL DEFAULT NULL,
  summary text DEFAULT NULL,                  -- JSON: the last run's counts
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The store structure, copied from Magento's tables of the same names and columns
-- (scripts/catalog/stores.py: sync_stores). The catalog service reads it at start: store
-- codes in URLs -> store_id / website_id, and each store group's root category.
CREATE TABLE IF NOT EXISTS store_website (
  website_id smallint unsigned NOT NULL,
  code varchar(32) DEFAULT NULL,
  name varchar(64) DEFAULT NULL,
  default_group_id smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (website_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS store_group (
  group_id smallint unsigned NOT NULL,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL,
  root_category_id int unsigned NOT NULL DEFAULT 0,
  default_store_id smallint unsigned NOT NULL DEFAULT 0,
  code varchar(32) DEFAULT NULL,
  PRIMARY KEY (group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS store (
  store_id smallint unsigned NOT NULL,
  code varchar(32) DEFAULT NULL,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  group_id smallint unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL,
  is_active smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

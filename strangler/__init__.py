"""strangler: route a Magento 2 store's traffic, feature by feature, to new services."""

__all__ = ["__version__"]
__version__ = "0.1.0"

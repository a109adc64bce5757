"""The platform's roles. Each is a Django group, created by a data migration."""

CUSTOMERS = "customers"
CATALOG_MANAGERS = "catalog_managers"
ORDER_MANAGERS = "order_managers"

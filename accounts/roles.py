"""The platform's roles. Each is a Django group, created by a data migration."""

CUSTOMERS = "customers"
CATALOG_MANAGERS = "catalog_managers"
ORDER_MANAGERS = "order_managers"
MODERATORS = "moderators"  # created with the reviews app (reviews/migrations/0002_moderators.py)

-- The SmartGo read replica as the nightly import (`smartgo-import`) expects it: PostgreSQL 13 or later.
-- The import only reads (a read-only session and READ ONLY transactions); it needs SELECT on smartgo.sales and nothing else:
--   CREATE ROLE pricing_portal LOGIN PASSWORD '…';
--   GRANT USAGE ON SCHEMA smartgo TO pricing_portal;
--   GRANT SELECT ON smartgo.sales TO pricing_portal;

CREATE SCHEMA IF NOT EXISTS smartgo;

CREATE TABLE IF NOT EXISTS smartgo.sales (
    -- Unique across tenants: with sold_at it is the import's keyset position (the watermark).
    sale_id     text          NOT NULL PRIMARY KEY,
    -- The portal's tenant id (1-64 lower-case letters, digits or dashes); rows of tenants the portal does not know are skipped.
    tenant_id   text          NOT NULL,
    product_id  text          NOT NULL,
    -- 1-64 lower-case letters, digits or dashes (the portal's category ids: shoes, handbags, …).
    category    text          NOT NULL,
    brand       text          NULL,
    -- new_with_tags | like_new | very_good | good | fair | poor, or NULL when unknown.
    condition   text          NULL,
    title       text          NULL,
    description text          NULL,
    -- Above 0 and at most 1,000,000; rows outside are skipped.
    sold_price  numeric(12,2) NOT NULL,
    -- ISO 4217, upper case (EUR, SGD).
    currency    char(3)       NOT NULL,
    -- When it sold, with its time zone; rows more than 5 minutes in the future or before 2000 are skipped.
    sold_at     timestamptz   NOT NULL,
    -- The product photo: a key in the portal's image store, or an absolute http(s) URL the portal fetches; both NULL = no photo
    -- (the sale is imported without an embedding).
    image_key   text          NULL,
    image_url   text          NULL
);

-- The import reads `WHERE (sold_at, sale_id) > ($at, $id) ORDER BY sold_at, sale_id LIMIT $n`: this index makes each
-- batch a range scan, however far the import has got.
CREATE INDEX IF NOT EXISTS ix_sales_sold_at_sale_id ON smartgo.sales (sold_at, sale_id);

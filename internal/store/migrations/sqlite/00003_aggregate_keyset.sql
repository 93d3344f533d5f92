-- +goose Up
-- GET /v1/revenues and /v1/clicks page by group key (SPEC §4.2). Grouped by
-- custom or by day, a page reads one of these indexes in key order from the
-- cursor on and stops after the page's groups, so a deep page costs what
-- the first does. The revenues' day index gains currency and kind (the rest
-- of the key) and still serves every since/until range it served before;
-- clicks by day already have (workspace_id, day) and link_click_days' key.
CREATE INDEX revenues_custom_key ON revenues (workspace_id, custom, currency, kind);
CREATE INDEX revenues_day_key ON revenues (workspace_id, day, currency, kind);
DROP INDEX revenues_workspace;
CREATE INDEX clicks_custom_key ON clicks (workspace_id, custom);
CREATE INDEX link_click_days_custom_key ON link_click_days (workspace_id, custom);

-- +goose Down
DROP INDEX link_click_days_custom_key;
DROP INDEX clicks_custom_key;
CREATE INDEX revenues_workspace ON revenues (workspace_id, day);
DROP INDEX revenues_day_key;
DROP INDEX revenues_custom_key;

-- +goose Up
-- GET /v1/revenues and /v1/clicks page by group key (SPEC §4.2). Grouped by
-- custom, a page reads these indexes in key order from the cursor on and
-- stops after the page's groups, so a deep page of a million subtags costs
-- what the first does. (Grouped by day, the (workspace_id, day) indexes of
-- 00001 serve the same way.)
CREATE INDEX revenues_custom_key ON revenues (workspace_id, custom, currency, kind);
CREATE INDEX clicks_custom_key ON clicks (workspace_id, custom);
CREATE INDEX link_click_days_custom_key ON link_click_days (workspace_id, custom);

-- +goose Down
DROP INDEX link_click_days_custom_key;
DROP INDEX clicks_custom_key;
DROP INDEX revenues_custom_key;

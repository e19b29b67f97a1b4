-- ratecard accounts, version 2 (PostgreSQL): entries and ops are append-only.
CREATE FUNCTION ratecard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER entries_no_change BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION ratecard_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION ratecard_append_only();
CREATE TRIGGER ops_no_change BEFORE UPDATE OR DELETE ON ops
    FOR EACH ROW EXECUTE FUNCTION ratecard_append_only();
CREATE TRIGGER ops_no_truncate BEFORE TRUNCATE ON ops
    FOR EACH STATEMENT EXECUTE FUNCTION ratecard_append_only();

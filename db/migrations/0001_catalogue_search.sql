-- Full-text search over published badges (name, summary, criteria, tags). drizzle-kit
-- cannot describe virtual tables, so this migration is written by hand; the catalogue
-- service keeps it in step with each badge's latest published version.
CREATE VIRTUAL TABLE `badge_search` USING fts5(
	badge_id UNINDEXED,
	name,
	summary,
	criteria,
	tags,
	tokenize = 'unicode61 remove_diacritics 2'
);

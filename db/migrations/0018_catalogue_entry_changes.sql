-- Which catalogue entries changed, in order, so that the in-memory facet store of a running
-- server (app/services/catalogue-facets.server.ts, ADR 012) applies the few rows that changed
-- instead of reloading 100,000. Only the last 10,000 changes are kept: a reader further
-- behind than that reloads everything. AUTOINCREMENT, so a number is never reused.
CREATE TABLE `catalogue_entry_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `catalogue_entries_log_ai` AFTER INSERT ON `catalogue_entries` BEGIN INSERT INTO `catalogue_entry_changes` (`entry_id`) VALUES (new.`id`); END;
--> statement-breakpoint
CREATE TRIGGER `catalogue_entries_log_au` AFTER UPDATE ON `catalogue_entries` BEGIN INSERT INTO `catalogue_entry_changes` (`entry_id`) VALUES (old.`id`), (new.`id`); END;
--> statement-breakpoint
CREATE TRIGGER `catalogue_entries_log_ad` AFTER DELETE ON `catalogue_entries` BEGIN INSERT INTO `catalogue_entry_changes` (`entry_id`) VALUES (old.`id`); END;
--> statement-breakpoint
CREATE TRIGGER `catalogue_entry_changes_trim` AFTER INSERT ON `catalogue_entry_changes` BEGIN DELETE FROM `catalogue_entry_changes` WHERE `seq` <= new.`seq` - 10000; END;
--> statement-breakpoint
-- Searches count and filter from memory now: the covering index 0016 made for them is dead weight.
DROP INDEX IF EXISTS `catalogue_entries_facets_idx`;
--> statement-breakpoint
-- Nothing reads the generation counter since (the caches it keyed are gone): stop bumping it
-- on every catalogue write.
DROP TRIGGER IF EXISTS `catalogue_entries_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `catalogue_entries_au`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `catalogue_entries_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `badge_tags_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `badge_tags_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `badge_tags_au`;
--> statement-breakpoint
DROP TABLE IF EXISTS `catalogue_generation`;

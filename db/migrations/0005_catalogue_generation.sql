-- A counter bumped by every change to what the catalogue lists, so that figures computed
-- over the whole catalogue (facet counts, totals) can be cached until it moves.
CREATE TABLE `catalogue_generation` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`n` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `catalogue_generation` (`id`, `n`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `catalogue_entries_ai` AFTER INSERT ON `catalogue_entries` BEGIN UPDATE `catalogue_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalogue_entries_au` AFTER UPDATE ON `catalogue_entries` BEGIN UPDATE `catalogue_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalogue_entries_ad` AFTER DELETE ON `catalogue_entries` BEGIN UPDATE `catalogue_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `badge_tags_ai` AFTER INSERT ON `badge_tags` BEGIN UPDATE `catalogue_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `badge_tags_ad` AFTER DELETE ON `badge_tags` BEGIN UPDATE `catalogue_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `badge_tags_au` AFTER UPDATE ON `badge_tags` BEGIN UPDATE `catalogue_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;

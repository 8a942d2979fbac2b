CREATE TABLE `catalogue_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`badge_id` text NOT NULL,
	`version_number` integer NOT NULL,
	`published_at` integer NOT NULL,
	`name` text NOT NULL,
	`summary` text NOT NULL,
	`image_id` text,
	`tags` text NOT NULL,
	`achievement_type` text NOT NULL,
	`kind_mask` integer NOT NULL,
	FOREIGN KEY (`badge_id`) REFERENCES `badges`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `catalogue_entries_badge_unique` ON `catalogue_entries` (`badge_id`);--> statement-breakpoint
CREATE INDEX `catalogue_entries_published_idx` ON `catalogue_entries` (`published_at`);--> statement-breakpoint
-- Hand-written from here (drizzle-kit made the above): backfill from badges already
-- published, and rebuild the search index so that each badge's FTS rowid is its
-- catalogue entry's id.
INSERT INTO `catalogue_entries` (`badge_id`, `version_number`, `published_at`, `name`, `summary`, `image_id`, `tags`, `achievement_type`, `kind_mask`)
SELECT b.`id`, v.`number`, v.`published_at`,
	json_extract(v.`content`, '$.name'),
	coalesce(json_extract(v.`content`, '$.summary'), ''),
	json_extract(v.`content`, '$.imageId'),
	coalesce(json_extract(v.`content`, '$.tags'), '[]'),
	coalesce(json_extract(v.`content`, '$.achievementType'), 'Badge'),
	(SELECT coalesce(sum(DISTINCT CASE o.`kind` WHEN 'nonprofit' THEN 1 WHEN 'business' THEN 2 WHEN 'school' THEN 4 WHEN 'community' THEN 8 ELSE 0 END), 0)
		FROM `organisations` o
		WHERE o.`id` = b.`steward_organisation_id`
			OR o.`id` IN (SELECT `organisation_id` FROM `coauthors` WHERE `badge_id` = b.`id` AND `status` = 'accepted'))
FROM `badges` b JOIN `versions` v ON v.`id` = b.`latest_version_id`
WHERE b.`status` IN ('published', 'deprecated');
--> statement-breakpoint
-- Recreated with prefix indexes, so that the prefix match on the last word typed stays
-- fast however many terms share a short prefix.
DROP TABLE `badge_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `badge_search` USING fts5(
	badge_id UNINDEXED,
	name,
	summary,
	criteria,
	tags,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);
--> statement-breakpoint
INSERT INTO `badge_search` (`rowid`, `badge_id`, `name`, `summary`, `criteria`, `tags`)
SELECT e.`id`, e.`badge_id`, e.`name`, e.`summary`, coalesce(json_extract(v.`content`, '$.criteria'), ''),
	coalesce((SELECT group_concat(`value`, ' ') FROM json_each(e.`tags`)), '')
FROM `catalogue_entries` e JOIN `badges` b ON b.`id` = e.`badge_id` JOIN `versions` v ON v.`id` = b.`latest_version_id`;

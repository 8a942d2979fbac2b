ALTER TABLE `catalogue_entries` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `catalogue_entries` ADD `estimated_hours` real;--> statement-breakpoint
CREATE INDEX `catalogue_entries_language_idx` ON `catalogue_entries` (`language`);--> statement-breakpoint
-- Hand-written from here: the language and hours of the entries already indexed, from
-- their versions' content (read, never rewritten).
UPDATE `catalogue_entries` SET
  `language` = lower(coalesce((SELECT json_extract(v.`content`, '$.language') FROM `badges` b JOIN `versions` v ON v.`id` = b.`latest_version_id` WHERE b.`id` = `catalogue_entries`.`badge_id`), 'en')),
  `estimated_hours` = (SELECT json_extract(v.`content`, '$.estimatedHours') FROM `badges` b JOIN `versions` v ON v.`id` = b.`latest_version_id` WHERE b.`id` = `catalogue_entries`.`badge_id`);

CREATE TABLE `prerequisite_edges` (
	`badge_id` text NOT NULL,
	`condition_index` integer NOT NULL,
	`required_number` integer NOT NULL,
	`condition_size` integer NOT NULL,
	`position` integer NOT NULL,
	`prerequisite_uri` text NOT NULL,
	PRIMARY KEY(`badge_id`, `condition_index`, `position`),
	FOREIGN KEY (`badge_id`) REFERENCES `badges`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `prerequisite_edges_prerequisite_idx` ON `prerequisite_edges` (`prerequisite_uri`,`badge_id`);--> statement-breakpoint
-- Hand-written from here (drizzle-kit made the above): the edges of versions already held,
-- local and remote. A flat list is one all-of condition; a list of conditions gives each
-- its own index. Stored versions are read, never rewritten (their hashes cover them).
INSERT INTO `prerequisite_edges` (`badge_id`, `condition_index`, `required_number`, `condition_size`, `position`, `prerequisite_uri`)
SELECT b.`id`, 0, json_array_length(v.`content`, '$.prerequisites'), json_array_length(v.`content`, '$.prerequisites'), p.`key`, p.`value`
FROM `badges` b JOIN `versions` v ON v.`id` = b.`latest_version_id`, json_each(v.`content`, '$.prerequisites') p
WHERE b.`status` IN ('published', 'deprecated') AND p.`type` = 'text'
UNION ALL
SELECT b.`id`, c.`key`, json_extract(c.`value`, '$.requiredNumber'), json_array_length(c.`value`, '$.badges'), u.`key`, u.`value`
FROM `badges` b JOIN `versions` v ON v.`id` = b.`latest_version_id`, json_each(v.`content`, '$.prerequisites') c, json_each(c.`value`, '$.badges') u
WHERE b.`status` IN ('published', 'deprecated') AND c.`type` = 'object';

CREATE TABLE `endorsements` (
	`id` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL,
	`endorser_organisation_id` text NOT NULL,
	`badge_id` text NOT NULL,
	`version_id` text NOT NULL,
	`statement` text NOT NULL,
	`status` text NOT NULL,
	`credential` text NOT NULL,
	`issued_at` integer NOT NULL,
	`endorsed_by_user_id` text,
	`decided_by_user_id` text,
	`decided_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`endorser_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`badge_id`) REFERENCES `badges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `versions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endorsed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `endorsements_uri_unique` ON `endorsements` (`uri`);--> statement-breakpoint
CREATE UNIQUE INDEX `endorsements_live_unique` ON `endorsements` (`endorser_organisation_id`,`badge_id`) WHERE "endorsements"."status" in ('pending', 'accepted');--> statement-breakpoint
CREATE INDEX `endorsements_badge_idx` ON `endorsements` (`badge_id`,`status`,`issued_at`);--> statement-breakpoint
CREATE INDEX `endorsements_endorser_idx` ON `endorsements` (`endorser_organisation_id`,`status`);--> statement-breakpoint
ALTER TABLE `badges` ADD `auto_accept_endorsements` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `catalogue_entries` ADD `endorser_kind_mask` integer DEFAULT 0 NOT NULL;
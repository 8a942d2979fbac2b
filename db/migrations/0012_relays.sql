CREATE TABLE `relays` (
	`inbox_url` text PRIMARY KEY NOT NULL,
	`actor_uri` text,
	`follow_activity_uri` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`accepted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `relays_follow_unique` ON `relays` (`follow_activity_uri`);--> statement-breakpoint
CREATE INDEX `relays_actor_idx` ON `relays` (`actor_uri`);
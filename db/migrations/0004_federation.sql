CREATE TABLE `actor_keys` (
	`actor_uri` text PRIMARY KEY NOT NULL,
	`rsa_public_key_pem` text NOT NULL,
	`rsa_private_key_pem` text NOT NULL,
	`ed25519_public_key_multibase` text NOT NULL,
	`ed25519_private_key_pem` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `badge_shares` (
	`organisation_id` text NOT NULL,
	`badge_id` text NOT NULL,
	`activity_uri` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`organisation_id`, `badge_id`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`badge_id`) REFERENCES `badges`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` integer NOT NULL,
	`inbox_url` text NOT NULL,
	`host` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`activity_id`) REFERENCES `outbox_activities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_activity_inbox_unique` ON `deliveries` (`activity_id`,`inbox_url`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_host_idx` ON `deliveries` (`host`,`status`);--> statement-breakpoint
CREATE TABLE `follows` (
	`follower_uri` text NOT NULL,
	`following_uri` text NOT NULL,
	`activity_uri` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`backfill_done` integer DEFAULT 0 NOT NULL,
	`backfill_total` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`accepted_at` integer,
	PRIMARY KEY(`follower_uri`, `following_uri`)
);
--> statement-breakpoint
CREATE INDEX `follows_following_idx` ON `follows` (`following_uri`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `follows_activity_unique` ON `follows` (`activity_uri`);--> statement-breakpoint
CREATE TABLE `inbox_activities` (
	`uri` text PRIMARY KEY NOT NULL,
	`actor_uri` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbox_activities_actor_idx` ON `inbox_activities` (`actor_uri`);--> statement-breakpoint
CREATE TABLE `outbox_activities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uri` text NOT NULL,
	`actor_uri` text NOT NULL,
	`type` text NOT NULL,
	`object_uri` text,
	`document` text NOT NULL,
	`public` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_activities_uri_unique` ON `outbox_activities` (`uri`);--> statement-breakpoint
CREATE INDEX `outbox_activities_actor_idx` ON `outbox_activities` (`actor_uri`,`id`);--> statement-breakpoint
CREATE TABLE `remote_actors` (
	`uri` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`handle` text NOT NULL,
	`host` text NOT NULL,
	`name` text,
	`url` text,
	`icon_url` text,
	`inbox_url` text NOT NULL,
	`shared_inbox_url` text,
	`outbox_url` text,
	`followers_url` text,
	`organisation_id` text,
	`fetched_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `remote_actors_host_idx` ON `remote_actors` (`host`);--> statement-breakpoint
CREATE INDEX `remote_actors_org_idx` ON `remote_actors` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `remote_keys` (
	`key_id` text PRIMARY KEY NOT NULL,
	`owner_uri` text NOT NULL,
	`kind` text NOT NULL,
	`public_key` text NOT NULL,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `remote_keys_owner_idx` ON `remote_keys` (`owner_uri`);--> statement-breakpoint
ALTER TABLE `badges` ADD `remote_url` text;
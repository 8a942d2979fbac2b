CREATE TABLE `learner_badges` (
	`user_id` text NOT NULL,
	`badge_uri` text NOT NULL,
	`status` text NOT NULL,
	`credential_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`user_id`, `badge_uri`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`credential_id`) REFERENCES `learner_credentials`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `learner_badges_badge_idx` ON `learner_badges` (`badge_uri`,`status`);--> statement-breakpoint
CREATE TABLE `learner_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`format` text NOT NULL,
	`encoding` text NOT NULL,
	`source` text NOT NULL,
	`source_url` text,
	`document` text NOT NULL,
	`credential_uri` text,
	`badge_uri` text NOT NULL,
	`achievement_name` text,
	`issuer_uri` text,
	`issuer_name` text,
	`issued_at` integer,
	`expires_at` integer,
	`verification` text NOT NULL,
	`reason` text,
	`checks` text NOT NULL,
	`verified_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `learner_credentials_user_badge_idx` ON `learner_credentials` (`user_id`,`badge_uri`);
CREATE TABLE `work_queue` (
	`reconciler` text NOT NULL,
	`key` text NOT NULL,
	`ready_at` integer NOT NULL,
	`added_at` integer NOT NULL,
	`dirty_at` integer,
	`claim_expires` integer,
	`claimed_at` integer,
	`fence` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`reconciler`, `key`)
);
--> statement-breakpoint
CREATE INDEX `work_queue_ready` ON `work_queue` (`reconciler`,`ready_at`);
CREATE TABLE `changes` (
	`revision` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`group` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`body` text NOT NULL,
	`labels` text DEFAULT '{}' NOT NULL,
	`fields` text DEFAULT '{}' NOT NULL,
	`prev_revision` integer,
	`prev_labels` text,
	`prev_fields` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "changes_guard" CHECK("changes"."type" = 'ADDED' OR "changes"."prev_revision" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `changes_scope` ON `changes` (`group`,`resource`,`namespace`,`revision`);--> statement-breakpoint
CREATE INDEX `changes_resource` ON `changes` (`group`,`resource`,`revision`);--> statement-breakpoint
CREATE INDEX `changes_created` ON `changes` (`created_at`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `object_labels` (
	`group` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`group`, `resource`, `namespace`, `name`, `key`)
);
--> statement-breakpoint
CREATE INDEX `object_labels_kv` ON `object_labels` (`group`,`resource`,`key`,`value`);--> statement-breakpoint
CREATE TABLE `object_owners` (
	`owner_uid` text NOT NULL,
	`group` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`group`, `resource`, `namespace`, `name`, `owner_uid`)
);
--> statement-breakpoint
CREATE INDEX `object_owners_uid` ON `object_owners` (`owner_uid`);--> statement-breakpoint
CREATE TABLE `objects` (
	`group` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`uid` text NOT NULL,
	`resource_version` integer NOT NULL,
	`body` text NOT NULL,
	`fields` text DEFAULT '{}' NOT NULL,
	`created_revision` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `objects_key` ON `objects` (`group`,`resource`,`namespace`,`name`);--> statement-breakpoint
CREATE INDEX `objects_rv` ON `objects` (`resource_version`);--> statement-breakpoint
CREATE INDEX `objects_uid` ON `objects` (`uid`);--> statement-breakpoint
CREATE INDEX `objects_namespace` ON `objects` (`namespace`);--> statement-breakpoint
CREATE TABLE `timers` (
	`id` text PRIMARY KEY NOT NULL,
	`reconciler` text NOT NULL,
	`key` text NOT NULL,
	`due_at` integer NOT NULL,
	`armed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `timers_due` ON `timers` (`due_at`);
-- Offices divide the work (issue 15): unit heads and staff, the 分办 of a
-- problem, a handler per measure, the campaign's closure endorsement.

-- +goose Up
ALTER TABLE `users` ADD COLUMN `unit_role` text NOT NULL DEFAULT "";
UPDATE `users` SET `unit_role` = 'staff' WHERE `role` = 'unit';
ALTER TABLE `campaigns` ADD COLUMN `endorse_closure` numeric NOT NULL DEFAULT false;
ALTER TABLE `problems` ADD COLUMN `assignment` text NOT NULL DEFAULT "";
ALTER TABLE `measures` ADD COLUMN `handler_id` integer NOT NULL DEFAULT 0;
ALTER TABLE `measures` ADD COLUMN `handler_name` text NOT NULL DEFAULT "";
ALTER TABLE `problems` ADD COLUMN `reassignments` text NOT NULL DEFAULT "";
ALTER TABLE `problems` ADD COLUMN `next_reassignment_id` integer NOT NULL DEFAULT 0;

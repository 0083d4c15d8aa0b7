-- Offices divide the work (issue 15): unit heads and staff, the 分办 of a
-- problem, a handler per measure, the campaign's closure endorsement.

-- +goose Up
ALTER TABLE users ADD COLUMN unit_role character varying(8) DEFAULT ''::character varying NOT NULL;
UPDATE users SET unit_role = 'staff' WHERE role = 'unit';
ALTER TABLE campaigns ADD COLUMN endorse_closure boolean DEFAULT false NOT NULL;
ALTER TABLE problems ADD COLUMN assignment text DEFAULT ''::text NOT NULL;
ALTER TABLE measures ADD COLUMN handler_id bigint DEFAULT 0 NOT NULL;
ALTER TABLE measures ADD COLUMN handler_name character varying(200) DEFAULT ''::character varying NOT NULL;
ALTER TABLE problems ADD COLUMN reassignments text DEFAULT ''::text NOT NULL;
ALTER TABLE problems ADD COLUMN next_reassignment_id bigint DEFAULT 0 NOT NULL;

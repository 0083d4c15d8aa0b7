-- An admin's password reset makes the user choose a new password at the
-- next sign-in (issue 16).

-- +goose Up
ALTER TABLE users ADD COLUMN must_change_password boolean DEFAULT false NOT NULL;

-- Organisations form a tree: the finance bureau, its departments, their units.
CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('finance', 'department', 'unit')),
    parent INTEGER REFERENCES orgs (id),
    UNIQUE (parent, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    org INTEGER NOT NULL REFERENCES orgs (id),
    role TEXT NOT NULL CHECK (role IN ('filler', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Only hashes of session and API tokens are stored: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- One row per form: its state, and a summary of its latest version for lists and roll-ups.
CREATE TABLE forms (
    id INTEGER PRIMARY KEY,
    unit INTEGER NOT NULL REFERENCES orgs (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'approved', 'published')),
    version INTEGER NOT NULL,
    year INTEGER NOT NULL,
    project TEXT NOT NULL,
    budget TEXT,
    executed TEXT,
    reported_total TEXT,
    reported_grade TEXT NOT NULL,
    rule_total TEXT NOT NULL,
    rule_grade TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX forms_unit_year ON forms (unit, year);
CREATE INDEX forms_year_state ON forms (year, state);

-- Every save is a version; versions are never changed or deleted.
CREATE TABLE versions (
    form_id INTEGER NOT NULL REFERENCES forms (id),
    number INTEGER NOT NULL,
    form_json TEXT NOT NULL,
    report_json TEXT NOT NULL,
    author INTEGER NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (form_id, number)
);
CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    form_id INTEGER NOT NULL REFERENCES forms (id),
    version INTEGER NOT NULL,
    author INTEGER NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_form ON comments (form_id);

-- The action log is append-only.
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    form_id INTEGER REFERENCES forms (id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX actions_form ON actions (form_id);
CREATE TRIGGER actions_no_update BEFORE UPDATE ON actions
BEGIN SELECT RAISE(ABORT, 'the action log is append-only'); END;
CREATE TRIGGER actions_no_delete BEFORE DELETE ON actions
BEGIN SELECT RAISE(ABORT, 'the action log is append-only'); END;

//! Tests of jixiao-render: what it writes, the importers read back.

mod csv;
mod text;

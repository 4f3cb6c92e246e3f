//! Tests of jixiao-render: what it writes, the importers read back.

mod csv;
mod html;
mod markdown;
mod pdf;
mod report;
mod text;
mod xlsx;

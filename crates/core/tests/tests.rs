//! Integration tests of jixiao-core: one binary, one module per topic.

mod findings;
mod json;
mod properties;
mod seed;
mod util;

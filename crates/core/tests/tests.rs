//! Integration tests of jixiao-core.

//! The `jixiao` command: parse the arguments, call the library, print, and decide the exit code.
//!
//! Each subcommand is a short function in `commands`; nothing here scores or audits by itself.
//! Exit codes are decided in one place (`main`): 0 clean, 1 findings at or above `--deny`,
//! 2 input that could not be read.

mod args;
mod commands;
mod input;
mod output;
mod server;

use std::process::ExitCode;

use clap::Parser;

/// Importing, auditing and serving allocate many small strings; mimalloc does that with fewer
/// instructions than the system allocator (see bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = args::Args::parse();
    match commands::run(args) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            anstream::eprintln!("jixiao: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

//! The PSD2 back office worker.

fn main() {
    // Wired up by its own issue; this binary builds and starts so the README's commands work.
    eprintln!("psd2-worker: not yet implemented");
}

//! The process's peak resident memory, for the pass log: what an operator sizes a worker's
//! container by. Linux reports it as `VmHWM` ("high water mark") in `/proc/self/status`
//! (proc(5)); elsewhere it is not reported.

/// Peak resident set size of this process in KiB, when the system reports it.
pub fn peak_resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_peak_is_read_where_linux_reports_it() {
        if std::path::Path::new("/proc/self/status").exists() {
            let kib = super::peak_resident_kib().unwrap_or(0);
            assert!(
                kib > 100,
                "a running test process holds more than 100 KiB: {kib}"
            );
        }
    }
}

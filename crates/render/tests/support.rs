//! What the test files share: the seed forms, the items to render, the comparison of forms
//! read back, the skip of a test whose tools are missing, and LibreOffice (`soffice`) run on a
//! profile of its own.

use std::sync::OnceLock;

use jixiao_core::audit::{self, Audit};
use jixiao_core::model::Form;
use jixiao_core::{Profile, json};
use jixiao_import::Import;
use jixiao_render::Item;
use jixiao_render::pdf::{self, PdfError, PdfOptions};

/// The 15 forms of the seed document (`examples/2024-shanghai-cgj-selfeval.json`), parsed once.
pub fn seed() -> &'static [Form] {
    static FORMS: OnceLock<Vec<Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        json::forms_from_str(include_str!(
            "../../../examples/2024-shanghai-cgj-selfeval.json"
        ))
        .unwrap()
    })
}

/// The audit of each form under the Shanghai profile.
pub fn audits(forms: &[Form]) -> Vec<Audit> {
    let profile = Profile::builtin("shanghai").unwrap();
    forms
        .iter()
        .map(|form| audit::audit(form, &profile))
        .collect()
}

/// The forms to render plain, without their audits.
pub fn items(forms: &[Form]) -> Vec<Item<'_>> {
    forms
        .iter()
        .map(|form| Item { form, audit: None })
        .collect()
}

/// The forms to render each with its audit.
pub fn audited_items<'a>(forms: &'a [Form], audits: &'a [Audit]) -> Vec<Item<'a>> {
    assert_eq!(forms.len(), audits.len());
    forms
        .iter()
        .zip(audits)
        .map(|(form, audit)| Item {
            form,
            audit: Some(audit),
        })
        .collect()
}

/// The indicator table's heading, as the official form prints it.
pub const INDICATOR_HEADING: [&str; 8] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
];

/// Asserts that a form read back is `want`, line for line of the canonical JSON (scale
/// included), naming the first line that differs.
pub fn assert_same_form(want: &Form, got: &Form) {
    let want_json = json::forms_to_string(std::slice::from_ref(want));
    let got_json = json::forms_to_string(std::slice::from_ref(got));
    let first_difference = want_json
        .lines()
        .zip(got_json.lines())
        .find(|(want, got)| want != got);
    assert!(
        want_json == got_json,
        "{}: {first_difference:?}",
        want.project
    );
}

/// Asserts that the forms read back are `want`, as many and each the same
/// ([`assert_same_form`]).
pub fn assert_same_forms(want: &[Form], got: &[Form]) {
    assert_eq!(got.len(), want.len());
    for (want, got) in want.iter().zip(got) {
        assert_same_form(want, got);
    }
}

/// Asserts that an import has no error and read exactly `want` ([`assert_same_forms`]).
pub fn assert_imported(import: &Import, want: &[Form]) {
    assert!(import.errors.is_empty(), "{:#?}", import.errors);
    assert_same_forms(want, &import.forms);
}

/// The warnings of an import, as they print.
pub fn warnings(import: &Import) -> Vec<String> {
    import.warnings.iter().map(ToString::to_string).collect()
}

/// The errors of an import, as they print.
pub fn errors(import: &Import) -> Vec<String> {
    import.errors.iter().map(ToString::to_string).collect()
}

/// Fails under CI (where `CI` is set, the tools are installed and every test must run), else
/// tells that the running test did not run, and why.
pub fn skip(missing: &str) {
    assert!(std::env::var_os("CI").is_none(), "{missing}");
    notice(missing);
}

/// Tells that the running test did not run: straight to standard error, since the test harness
/// would capture `eprintln!`. libtest runs each test on a thread named after it.
fn notice(missing: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let notice = format!("skipped {test}: {missing}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
}

/// Whether typst finds the CJK fonts (fonts-noto-cjk), asked once.
pub fn fonts_installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| match pdf::document(&[], &PdfOptions::default()) {
        Err(PdfError::NoFont) => false,
        Err(other) => panic!("{other}"),
        Ok(_) => true,
    })
}

/// Whether the CJK fonts typst needs are here; [`skip`]s the test when they are not.
pub fn fonts_ready() -> bool {
    let installed = fonts_installed();
    if !installed {
        skip("fonts-noto-cjk is missing: apt-get install fonts-noto-cjk");
    }
    installed
}

/// LibreOffice run headless on a profile of its own, to convert a file.
pub mod soffice {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// How Calc treats the cached formula results of an .xlsx it opens (`OOXMLRecalcMode`).
    #[derive(Debug, Clone, Copy)]
    pub enum Profile {
        /// Recalculate every formula on load (tooling.md §2), .xlsx and ODF alike: by default
        /// LibreOffice keeps the cached results of an .xlsx.
        Recalculate,
        /// Keep the cached results (never recalculate on load), whatever the default: the
        /// output shows the values the form printed.
        KeepCached,
    }

    impl Profile {
        /// The profile's `registrymodifications.xcu`.
        fn registry(self) -> &'static str {
            match self {
                Profile::Recalculate => {
                    r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#
                }
                Profile::KeepCached => {
                    r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"#
                }
            }
        }
    }

    fn runs() -> bool {
        Command::new("soffice").arg("--version").output().is_ok()
    }

    /// Whether `soffice` runs; [`super::skip`]s the test when it does not (CI installs
    /// libreoffice-calc).
    pub fn available() -> bool {
        let runs = runs();
        if !runs {
            super::skip("soffice is missing: apt-get install libreoffice-calc");
        }
        runs
    }

    /// Whether LibreOffice Writer runs. Without it a test skips with a notice; on CI (which
    /// installs libreoffice-writer) it fails.
    pub fn writer_available() -> bool {
        let program = Path::new("/usr/lib/libreoffice/program");
        let has_writer = std::fs::read_dir(program)
            .map(|entries| {
                entries.flatten().any(|entry| {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with("libswlo") || name.starts_with("libsw.")
                })
            })
            .unwrap_or(false);
        let available = has_writer && runs();
        if !available {
            super::skip("LibreOffice Writer is missing: apt-get install libreoffice-writer");
        }
        available
    }

    /// A directory of its own for one test run (`jixiao-{name}-{pid}-{nanos}` in the temporary
    /// directory): LibreOffice's profile, the input, and `out/` for what it writes.
    pub fn scratch_dir(name: &str, profile: Profile) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("jixiao-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(dir.join("profile/user")).unwrap();
        std::fs::write(
            dir.join("profile/user/registrymodifications.xcu"),
            profile.registry(),
        )
        .unwrap();
        dir
    }

    /// Runs `soffice --convert-to filter` on `input` with the profile of `dir` (a
    /// [`scratch_dir`]); panics after two minutes. Returns `dir/out`, where it wrote.
    pub fn convert(dir: &Path, input: &Path, filter: &str) -> PathBuf {
        let out = dir.join("out");
        let mut child = Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.join("profile").display()
            ))
            .args(["--headless", "--convert-to", filter, "--outdir"])
            .arg(&out)
            .arg(input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                panic!("soffice did not finish within 120 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        out
    }

    /// The bytes of a file `soffice` wrote. It exits 0 even when it failed: the file must be
    /// there.
    pub fn read_output(path: &Path) -> Vec<u8> {
        std::fs::read(path)
            .unwrap_or_else(|err| panic!("LibreOffice wrote no {}: {err}", path.display()))
    }
}

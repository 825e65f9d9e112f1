//! dev.kai.stats — Kai's bundled Rust plugin: descriptive statistics and
//! arbitrary-length base conversion. Built with rustc alone (no crates):
//!
//!   rustc --edition 2021 --crate-type cdylib -C opt-level=2 \
//!         -o libKaiPluginStats.so Plugins/StatsRust/lib.rs
//!
//! Panic policy: the default `panic=unwind`, and every `extern "C"` function
//! runs its body inside `catch_unwind`. A bug that panics then fails that one
//! call with KAI_ERR_INTERNAL instead of killing the host process and every
//! other plugin in it (which `-C panic=abort` would do). Since Rust 1.81 a
//! panic escaping an `extern "C"` function aborts rather than unwinding into
//! C, so a missed guard is still never undefined behaviour.

// The SDK's Rust bindings (plugin-sdk/rust/kai_abi.rs), as a third-party
// plugin would use them: no copy of the ABI structs lives in this plugin.
#[path = "../../plugin-sdk/rust/kai_abi.rs"]
mod abi;
mod convert_base;
mod json;
mod stats;

use abi::*;
use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

const MANIFEST: &str = concat!(
    r#"{"id":"dev.kai.stats","name":"Statistics","version":"1.0.0","abiMinor":0,"#,
    r#""description":"Descriptive statistics and arbitrary-precision base conversion.","#,
    r#""configSchema":{"type":"object","additionalProperties":false,"properties":{}},"#,
    r#""capabilities":["#,
    r#"{"kind":"tool","name":"stats","title":"Descriptive statistics","#,
    r#""description":"Count, sum, mean, median, min, max, sample variance and standard deviation (n-1; null for a single number) and percentiles by linear interpolation (numpy's default). percentiles defaults to [25,50,75,90,95,99]; each is reported as \"p<value>\", e.g. p90 or p99.9.","#,
    r#""inputSchema":{"type":"object","properties":{"#,
    r#""numbers":{"type":"array","items":{"type":"number"},"minItems":1},"#,
    r#""percentiles":{"type":"array","items":{"type":"number","minimum":0,"maximum":100}}},"#,
    r#""required":["numbers"],"additionalProperties":false},"#,
    r#""outputSchema":{"type":"object","properties":{"count":{"type":"integer","minimum":1},"#,
    r#""sum":{"type":"number"},"mean":{"type":"number"},"median":{"type":"number"},"min":{"type":"number"},"#,
    r#""max":{"type":"number"},"variance":{"type":["number","null"]},"stddev":{"type":["number","null"]},"#,
    r#""percentiles":{"type":"object","additionalProperties":{"type":"number"}}},"#,
    r#""required":["count","sum","mean","median","min","max","variance","stddev","percentiles"]},"#,
    r#""annotations":{"readOnlyHint":true,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false},"#,
    r#""concurrency":"parallel","tags":["data_analysis","math"]},"#,
    r#"{"kind":"tool","name":"convert_base","title":"Convert an integer between bases","#,
    r#""description":"Converts an integer of any length from one base (2..36) to another. Digits are 0-9 then a-z (case-insensitive on input, lowercase on output); an optional leading - or + sign. Positions in errors count characters from 0.","#,
    r#""inputSchema":{"type":"object","properties":{"#,
    r#""value":{"type":"string","minLength":1,"maxLength":10000,"pattern":"^[+-]?[0-9A-Za-z]+$"},"#,
    r#""from":{"type":"integer","minimum":2,"maximum":36},"#,
    r#""to":{"type":"integer","minimum":2,"maximum":36}},"#,
    r#""required":["value","from","to"],"additionalProperties":false},"#,
    r#""outputSchema":{"type":"object","properties":{"result":{"type":"string"}},"required":["result"],"additionalProperties":false},"#,
    r#""annotations":{"readOnlyHint":true,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false},"#,
    r#""concurrency":"parallel","tags":["math","coding"]}"#,
    r#"]}"#
);

unsafe fn write(out: *const KaiOutput, s: &str) -> KaiResult {
    match (*out).write {
        Some(w) => w(out, s.as_ptr() as *const c_char, s.len()),
        None => KAI_ERR_INTERNAL,
    }
}

/// Sets {"message": ...} as the error details and returns `code`.
unsafe fn fail(out: *const KaiOutput, code: KaiResult, message: &str) -> KaiResult {
    let mut details = String::from("{\"message\":");
    json::write_string(&mut details, message);
    details.push('}');
    if let Some(set_error) = (*out).set_error {
        set_error(out, details.as_ptr() as *const c_char, details.len());
    }
    code
}

/// Runs `body`, turning a panic into KAI_ERR_INTERNAL (see the panic policy).
unsafe fn guarded(out: *const KaiOutput, body: impl FnOnce() -> KaiResult) -> KaiResult {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(code) => code,
        Err(_) if !out.is_null() => fail(out, KAI_ERR_INTERNAL, "the stats plugin panicked (a bug); see the host's stderr"),
        Err(_) => KAI_ERR_INTERNAL,
    }
}

unsafe extern "C" fn describe(out: *const KaiOutput) -> KaiResult {
    guarded(out, || write(out, MANIFEST))
}

unsafe extern "C" fn create(host: *const KaiHost, error: *const KaiOutput, instance: *mut *mut c_void) -> KaiResult {
    guarded(error, || {
        if let Some(log) = (*host).log {
            let line = "stats plugin ready";
            log(host, KAI_LOG_DEBUG, line.as_ptr() as *const c_char, line.len());
        }
        // The tools are pure functions and there is no configuration, so
        // the instance holds nothing: NULL is a valid instance.
        *instance = std::ptr::null_mut();
        KAI_OK
    })
}

unsafe extern "C" fn destroy(_instance: *mut c_void) {
    // Nothing to free: create() made a NULL instance.
}

unsafe extern "C" fn invoke(_instance: *mut c_void, call: *const KaiCall) -> KaiResult {
    let out = (*call).output;
    guarded(out, || {
        let call = &*call;
        if call.kind != KAI_KIND_TOOL {
            return fail(out, KAI_ERR_UNSUPPORTED, "this plugin only has tools");
        }
        let name = call.name.as_bytes();
        let run: fn(&json::Value) -> Result<String, String> = match name {
            b"stats" => stats::run,
            b"convert_base" => convert_base::run,
            _ => {
                let shown = String::from_utf8_lossy(&name[..name.len().min(64)]).into_owned();
                return fail(out, KAI_ERR_NOT_FOUND, &format!("no tool named '{}'; this plugin has stats and convert_base", shown));
            }
        };
        let args = match json::parse(call.input.as_bytes()) {
            Ok(v @ json::Value::Object(_)) => v,
            Ok(_) => return fail(out, KAI_ERR_INVALID_INPUT, "the arguments must be a JSON object"),
            Err(e) => return fail(out, KAI_ERR_INVALID_INPUT, &format!("the arguments are not valid JSON: {}", e)),
        };
        match run(&args) {
            Ok(result) => write(out, &result),
            Err(message) => fail(out, KAI_ERR_INVALID_INPUT, &message),
        }
    })
}

static PLUGIN: KaiPlugin = KaiPlugin {
    struct_size: std::mem::size_of::<KaiPlugin>() as u32,
    abi_major: KAI_ABI_MAJOR,
    abi_minor: 0,
    reserved0: 0,
    describe: Some(describe),
    create: Some(create),
    destroy: Some(destroy),
    invoke: Some(invoke),
    get_extension: None,
};

/// The one exported symbol (kai_plugin.h). Does no work: returns a static.
#[no_mangle]
pub extern "C" fn kai_plugin_entry_v1(_host_abi_minor: u32) -> *const KaiPlugin {
    &PLUGIN
}

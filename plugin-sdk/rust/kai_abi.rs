//! Rust bindings for the Kai plugin ABI, version 1.0 — the `#[repr(C)]`
//! mirrors of plugin-sdk/include/kai/kai_{abi,output,events,host,plugin}.h,
//! shipped with the SDK so that a Rust plugin needs no copy of its own and
//! no crates:
//!
//! ```rust
//! #[path = "path/to/plugin-sdk/rust/kai_abi.rs"]
//! mod kai_abi;
//! use kai_abi::*;
//! ```
//!
//! Every struct is complete, field for field, in header order, so sizes and
//! offsets match the C layout; the asserts at the bottom repeat
//! plugin-sdk/src/abi_layout.c, so an incompatible header change stops this
//! file compiling. Function pointers are `Option<...>` because C may hand
//! over NULL. When a later ABI minor appends fields, they are appended here
//! too (and read only when the struct's `struct_size` covers them).
#![allow(dead_code)]

use std::ffi::{c_char, c_void};

// kai_abi.h -----------------------------------------------------------------

pub const KAI_ABI_MAJOR: u32 = 1;
pub const KAI_ABI_MINOR: u32 = 0;

/// kai_result: KAI_OK or one of the error codes below.
pub type KaiResult = i32;
pub const KAI_OK: KaiResult = 0;
pub const KAI_ERR_INVALID_INPUT: KaiResult = 1;
pub const KAI_ERR_NOT_FOUND: KaiResult = 2;
pub const KAI_ERR_CANCELLED: KaiResult = 3;
pub const KAI_ERR_DEADLINE_EXCEEDED: KaiResult = 4;
pub const KAI_ERR_UNAVAILABLE: KaiResult = 5;
pub const KAI_ERR_PERMISSION_DENIED: KaiResult = 6;
pub const KAI_ERR_UNSUPPORTED: KaiResult = 7;
pub const KAI_ERR_INTERNAL: KaiResult = 8;
pub const KAI_RESULT_LAST: KaiResult = KAI_ERR_INTERNAL;

pub type KaiLogLevel = i32;
pub const KAI_LOG_TRACE: KaiLogLevel = 0;
pub const KAI_LOG_DEBUG: KaiLogLevel = 1;
pub const KAI_LOG_INFO: KaiLogLevel = 2;
pub const KAI_LOG_WARN: KaiLogLevel = 3;
pub const KAI_LOG_ERROR: KaiLogLevel = 4;

pub type KaiCapabilityKind = i32;
pub const KAI_KIND_TOOL: KaiCapabilityKind = 0;
pub const KAI_KIND_AGENT: KaiCapabilityKind = 1;
pub const KAI_KIND_PROVIDER: KaiCapabilityKind = 2;

/// KAI_NO_DEADLINE: what `KaiHost::deadline` returns for a call without one.
pub const KAI_NO_DEADLINE: i64 = i64::MAX;

/// kai_str: borrowed UTF-8 bytes, not NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct KaiStr {
    pub data: *const c_char,
    pub len: usize,
}

impl KaiStr {
    /// A kai_str borrowing `bytes` (keep `bytes` alive while C may read it).
    pub fn from_bytes(bytes: &[u8]) -> KaiStr {
        KaiStr { data: bytes.as_ptr() as *const c_char, len: bytes.len() }
    }

    /// The bytes, borrowed for as long as the C side promised (`'a` is
    /// chosen by the caller, who must respect the header's lifetime rule).
    /// # Safety
    /// `data` must point to `len` readable bytes (or be NULL with len 0).
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.data.is_null() || self.len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(self.data as *const u8, self.len)
        }
    }
}

// kai_output.h --------------------------------------------------------------

/// kai_output: a sink that copies what it is given before returning.
#[repr(C)]
pub struct KaiOutput {
    pub struct_size: u32,
    pub reserved0: u32,
    pub ctx: *mut c_void,
    pub write: Option<unsafe extern "C" fn(*const KaiOutput, *const c_char, usize) -> KaiResult>,
    pub set_error: Option<unsafe extern "C" fn(*const KaiOutput, *const c_char, usize) -> KaiResult>,
}

// kai_events.h --------------------------------------------------------------

pub type KaiEventType = u32;
pub const KAI_EVENT_TEXT_DELTA: KaiEventType = 1;
pub const KAI_EVENT_TOOL_CALL_DELTA: KaiEventType = 2;
pub const KAI_EVENT_USAGE: KaiEventType = 3;
pub const KAI_EVENT_PROGRESS: KaiEventType = 4;
pub const KAI_EVENT_DONE: KaiEventType = 5;
pub const KAI_EVENT_ERROR: KaiEventType = 6;

/// Values returned by `KaiEventSink::on_event`.
pub const KAI_EVENT_CONTINUE: i32 = 0;
pub const KAI_EVENT_STOP: i32 = 1;

/// kai_event: the header every event starts with.
#[repr(C)]
pub struct KaiEvent {
    pub struct_size: u32,
    pub event_type: u32,
}

#[repr(C)]
pub struct KaiEventTextDelta {
    pub header: KaiEvent,
    pub text: KaiStr,
}

#[repr(C)]
pub struct KaiEventToolCallDelta {
    pub header: KaiEvent,
    pub index: u32,
    pub reserved0: u32,
    pub id: KaiStr,
    pub name: KaiStr,
    pub arguments: KaiStr,
}

#[repr(C)]
pub struct KaiEventUsage {
    pub header: KaiEvent,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
}

/// The only event tools may emit in ABI 1.0 (when their manifest says
/// `"streaming": true`).
#[repr(C)]
pub struct KaiEventProgress {
    pub header: KaiEvent,
    pub progress: f64,
    pub total: f64,
    pub message: KaiStr,
}

#[repr(C)]
pub struct KaiEventDone {
    pub header: KaiEvent,
    pub finish_reason: KaiStr,
    pub result: KaiStr,
}

#[repr(C)]
pub struct KaiEventError {
    pub header: KaiEvent,
    pub code: KaiResult,
    pub reserved0: u32,
    pub details: KaiStr,
}

/// kai_event_sink.
#[repr(C)]
pub struct KaiEventSink {
    pub struct_size: u32,
    pub reserved0: u32,
    pub ctx: *mut c_void,
    pub on_event: Option<unsafe extern "C" fn(*const KaiEventSink, *const KaiEvent) -> i32>,
}

// kai_host.h ----------------------------------------------------------------

/// kai_call: one invocation, borrowed until invoke() returns.
#[repr(C)]
pub struct KaiCall {
    pub struct_size: u32,
    pub kind: KaiCapabilityKind,
    pub name: KaiStr,
    pub input: KaiStr,
    pub output: *const KaiOutput,
    pub events: *const KaiEventSink,
    pub host_call: *mut c_void,
}

pub type KaiOutFn =
    unsafe extern "C" fn(*const KaiHost, *const KaiCall, KaiStr, KaiStr, *const KaiOutput) -> KaiResult;
pub type KaiStreamFn =
    unsafe extern "C" fn(*const KaiHost, *const KaiCall, KaiStr, KaiStr, *const KaiEventSink) -> KaiResult;

/// kai_host: the services table given to create(), valid until destroy().
#[repr(C)]
pub struct KaiHost {
    pub struct_size: u32,
    pub abi_minor: u32,
    pub ctx: *mut c_void,
    pub log: Option<unsafe extern "C" fn(*const KaiHost, KaiLogLevel, *const c_char, usize)>,
    pub config: Option<unsafe extern "C" fn(*const KaiHost) -> KaiStr>,
    pub get_extension: Option<unsafe extern "C" fn(*const KaiHost, *const c_char) -> *const c_void>,
    pub deadline: Option<unsafe extern "C" fn(*const KaiHost, *const KaiCall) -> i64>,
    pub is_cancelled: Option<unsafe extern "C" fn(*const KaiHost, *const KaiCall) -> bool>,
    pub call_tool: Option<KaiOutFn>,
    pub provider_complete: Option<KaiOutFn>,
    pub provider_stream: Option<KaiStreamFn>,
}

// kai_plugin.h --------------------------------------------------------------

/// kai_plugin: the descriptor the entry function returns (read by the host
/// at its full size, so it must stay complete).
#[repr(C)]
pub struct KaiPlugin {
    pub struct_size: u32,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub reserved0: u32,
    pub describe: Option<unsafe extern "C" fn(*const KaiOutput) -> KaiResult>,
    pub create: Option<unsafe extern "C" fn(*const KaiHost, *const KaiOutput, *mut *mut c_void) -> KaiResult>,
    pub destroy: Option<unsafe extern "C" fn(*mut c_void)>,
    pub invoke: Option<unsafe extern "C" fn(*mut c_void, *const KaiCall) -> KaiResult>,
    pub get_extension: Option<unsafe extern "C" fn(*mut c_void, *const c_char) -> *const c_void>,
}

/// The symbol the host looks up: export
/// `#[no_mangle] pub extern "C" fn kai_plugin_entry_v1(host_abi_minor: u32) -> *const KaiPlugin`.
pub const KAI_PLUGIN_ENTRY_SYMBOL: &str = "kai_plugin_entry_v1";
pub type KaiPluginEntryFn = extern "C" fn(u32) -> *const KaiPlugin;

// The same layout checks as plugin-sdk/src/abi_layout.c (LP64).
#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<KaiStr>() == 16);
    assert!(offset_of!(KaiOutput, write) == 16 && offset_of!(KaiOutput, set_error) == 24);
    assert!(size_of::<KaiOutput>() == 32);
    assert!(size_of::<KaiEvent>() == 8);
    assert!(offset_of!(KaiEventTextDelta, text) == 8);
    assert!(offset_of!(KaiEventToolCallDelta, arguments) == 48);
    assert!(offset_of!(KaiEventUsage, cost_usd) == 24);
    assert!(offset_of!(KaiEventError, details) == 16);
    assert!(offset_of!(KaiEventSink, on_event) == 16);
    assert!(offset_of!(KaiCall, name) == 8 && offset_of!(KaiCall, input) == 24);
    assert!(offset_of!(KaiCall, output) == 40 && offset_of!(KaiCall, events) == 48);
    assert!(offset_of!(KaiCall, host_call) == 56 && size_of::<KaiCall>() == 64);
    assert!(offset_of!(KaiHost, log) == 16 && offset_of!(KaiHost, config) == 24);
    assert!(offset_of!(KaiHost, get_extension) == 32 && offset_of!(KaiHost, deadline) == 40);
    assert!(offset_of!(KaiHost, is_cancelled) == 48 && offset_of!(KaiHost, call_tool) == 56);
    assert!(offset_of!(KaiHost, provider_complete) == 64);
    assert!(offset_of!(KaiHost, provider_stream) == 72 && size_of::<KaiHost>() == 80);
    assert!(offset_of!(KaiPlugin, describe) == 16 && offset_of!(KaiPlugin, create) == 24);
    assert!(offset_of!(KaiPlugin, destroy) == 32 && offset_of!(KaiPlugin, invoke) == 40);
    assert!(offset_of!(KaiPlugin, get_extension) == 48 && size_of::<KaiPlugin>() == 56);
};

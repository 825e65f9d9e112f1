//! Hand-written `#[repr(C)]` mirrors of the Kai plugin ABI, version 1.0
//! (plugin-sdk/include/kai/kai_{abi,output,events,host,plugin}.h).
//!
//! Only what this plugin touches is mirrored, but every mirrored struct is
//! complete up to its last field, so that sizes and offsets match the C
//! layout. The asserts at the bottom repeat plugin-sdk/src/abi_layout.c: if
//! a header ever changed incompatibly, this file would stop compiling.
//! Function pointers are `Option<...>` because C may hand us NULL.
#![allow(dead_code)]

use std::ffi::{c_char, c_void};

pub type KaiResult = i32;
pub const KAI_OK: KaiResult = 0;
pub const KAI_ERR_INVALID_INPUT: KaiResult = 1;
pub const KAI_ERR_NOT_FOUND: KaiResult = 2;
pub const KAI_ERR_UNSUPPORTED: KaiResult = 7;
pub const KAI_ERR_INTERNAL: KaiResult = 8;

pub const KAI_ABI_MAJOR: u32 = 1;
pub const KAI_KIND_TOOL: i32 = 0;
pub const KAI_LOG_DEBUG: i32 = 1;

/// kai_str: borrowed UTF-8 bytes, not NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct KaiStr {
    pub data: *const c_char,
    pub len: usize,
}

impl KaiStr {
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

/// kai_output: a sink that copies what it is given.
#[repr(C)]
pub struct KaiOutput {
    pub struct_size: u32,
    pub reserved0: u32,
    pub ctx: *mut c_void,
    pub write: Option<unsafe extern "C" fn(*const KaiOutput, *const c_char, usize) -> KaiResult>,
    pub set_error: Option<unsafe extern "C" fn(*const KaiOutput, *const c_char, usize) -> KaiResult>,
}

/// kai_event header.
#[repr(C)]
pub struct KaiEvent {
    pub struct_size: u32,
    pub event_type: u32,
}

/// kai_event_sink.
#[repr(C)]
pub struct KaiEventSink {
    pub struct_size: u32,
    pub reserved0: u32,
    pub ctx: *mut c_void,
    pub on_event: Option<unsafe extern "C" fn(*const KaiEventSink, *const KaiEvent) -> i32>,
}

/// kai_call: one invocation, borrowed until invoke() returns.
#[repr(C)]
pub struct KaiCall {
    pub struct_size: u32,
    pub kind: i32,
    pub name: KaiStr,
    pub input: KaiStr,
    pub output: *const KaiOutput,
    pub events: *const KaiEventSink,
    pub host_call: *mut c_void,
}

type OutFn = unsafe extern "C" fn(*const KaiHost, *const KaiCall, KaiStr, KaiStr, *const KaiOutput) -> KaiResult;

/// kai_host: the services table given to create().
#[repr(C)]
pub struct KaiHost {
    pub struct_size: u32,
    pub abi_minor: u32,
    pub ctx: *mut c_void,
    pub log: Option<unsafe extern "C" fn(*const KaiHost, i32, *const c_char, usize)>,
    pub config: Option<unsafe extern "C" fn(*const KaiHost) -> KaiStr>,
    pub get_extension: Option<unsafe extern "C" fn(*const KaiHost, *const c_char) -> *const c_void>,
    pub deadline: Option<unsafe extern "C" fn(*const KaiHost, *const KaiCall) -> i64>,
    pub is_cancelled: Option<unsafe extern "C" fn(*const KaiHost, *const KaiCall) -> bool>,
    pub call_tool: Option<OutFn>,
    pub provider_complete: Option<OutFn>,
    pub provider_stream:
        Option<unsafe extern "C" fn(*const KaiHost, *const KaiCall, KaiStr, KaiStr, *const KaiEventSink) -> KaiResult>,
}

/// kai_plugin: the descriptor the entry function returns.
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

// The same layout checks as plugin-sdk/src/abi_layout.c (LP64).
#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<KaiStr>() == 16);
    assert!(offset_of!(KaiOutput, write) == 16 && offset_of!(KaiOutput, set_error) == 24);
    assert!(size_of::<KaiOutput>() == 32);
    assert!(offset_of!(KaiEventSink, on_event) == 16);
    assert!(offset_of!(KaiCall, name) == 8 && offset_of!(KaiCall, input) == 24);
    assert!(offset_of!(KaiCall, output) == 40 && offset_of!(KaiCall, events) == 48);
    assert!(offset_of!(KaiCall, host_call) == 56 && size_of::<KaiCall>() == 64);
    assert!(offset_of!(KaiHost, log) == 16 && offset_of!(KaiHost, config) == 24);
    assert!(offset_of!(KaiHost, deadline) == 40 && offset_of!(KaiHost, call_tool) == 56);
    assert!(offset_of!(KaiHost, provider_stream) == 72 && size_of::<KaiHost>() == 80);
    assert!(offset_of!(KaiPlugin, describe) == 16 && offset_of!(KaiPlugin, invoke) == 40);
    assert!(offset_of!(KaiPlugin, get_extension) == 48 && size_of::<KaiPlugin>() == 56);
};

//! Converting between formats: text and binary modules (`binary::encode_module`,
//! `text::print_module`), and scripts into what other tools read: a JSON manifest with one
//! binary per module (`json`, the shape of `wast2json` / `wasm-tools json-from-wast`) and one
//! self-contained JavaScript file (`js`).

pub mod js;
pub mod json;

use std::collections::HashMap;

use crate::design::Design;
use crate::script::{ModuleSource, ScriptModule};
use crate::{binary, text};

/// How a script module's bytes were had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Parsed from text (`(module ...)`, `module quote`) and encoded.
    Encoded,
    /// Written as bytes in the script (`module binary`).
    AsWritten,
}

/// The binary of a script module: encoded from its text, or its bytes as written. A quoted
/// module that does not parse has none (the error says why).
pub fn module_binary(m: &ScriptModule, design: Design) -> Result<(Vec<u8>, Origin), String> {
    match &m.source {
        ModuleSource::Text(module) => Ok((binary::encode_module(module), Origin::Encoded)),
        ModuleSource::Binary(bytes) => Ok((bytes.clone(), Origin::AsWritten)),
        ModuleSource::Quote(src) => match text::parse_module(src, design) {
            Ok(module) => Ok((binary::encode_module(&module), Origin::Encoded)),
            Err(e) => Err(format!("the quoted module does not parse: {e}")),
        },
    }
}

/// Which directive made each named (and the last) instance and definition, so that later
/// directives can name the one they need.
#[derive(Default)]
pub(crate) struct Names {
    instances: HashMap<String, usize>,
    definitions: HashMap<String, usize>,
    last_instance: Option<usize>,
    last_definition: Option<usize>,
}

impl Names {
    pub(crate) fn module(&mut self, m: &ScriptModule, index: usize) {
        if let Some(id) = &m.id {
            if m.definition {
                self.definitions.insert(id.clone(), index);
            } else {
                self.instances.insert(id.clone(), index);
            }
        }
        self.last_definition = Some(index);
        if !m.definition {
            self.last_instance = Some(index);
        }
    }

    pub(crate) fn instance(&mut self, id: Option<&str>, index: usize) {
        if let Some(id) = id {
            self.instances.insert(id.to_string(), index);
        }
        self.last_instance = Some(index);
    }

    pub(crate) fn find(&self, id: Option<&str>) -> Option<usize> {
        match id {
            Some(id) => self.instances.get(id).copied(),
            None => self.last_instance,
        }
    }

    pub(crate) fn definition(&self, id: Option<&str>) -> Option<usize> {
        match id {
            Some(id) => self.definitions.get(id).copied(),
            None => self.last_definition,
        }
    }
}

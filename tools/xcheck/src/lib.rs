//! xcheck: runs the same `.wast` scripts on real engines (V8, wasmtime, binaryen, the reference
//! interpreter) and on Switchyard, and shows directive by directive who agrees with the script
//! and with Switchyard.
//!
//! `script` reads a script into directives; `js` converts one into a JavaScript file;
//! `engines` holds one adapter per engine behind the `Engine` trait; `outcome` normalizes what
//! engines do into categories; `report` renders the terminal table, JSON, Markdown and HTML.
#![forbid(unsafe_code)]

pub mod engines;
pub mod fuzz;
pub mod js;
pub mod outcome;
pub mod process;
pub mod reference;
pub mod report;
pub mod script;

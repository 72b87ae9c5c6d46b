//! `switchyard serve`: the playground, a single-page app served on 127.0.0.1 with a small JSON
//! API. The page (built from `playground/` at the repository root with Vite; the build output
//! `playground/dist/` is committed) is compiled into the binary, so the server needs no files.
//!
//! API (all JSON):
//! - `GET /api/examples`: the bundled programs (`switchyard::playground::examples`);
//! - `GET /api/proposals`: the proposal texts with their reduction rules and sections;
//! - `GET /api/file`: the script named on the command line (`null` without one);
//! - `POST /api/run` with `{"design": "typed-cont", "source": "...", "name": "x.wast"}`: a run
//!   of the script with one snapshot per step (`switchyard::playground::Recording`).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use switchyard::design::Design;
use switchyard::playground;
use switchyard::script::run::{files, Budgets};
use tiny_http::{Header, Method, Request, Response, Server};

const INDEX_HTML: &str = include_str!("../../../playground/dist/index.html");
const APP_JS: &str = include_str!("../../../playground/dist/app.js");
const APP_CSS: &str = include_str!("../../../playground/dist/app.css");

/// Scripts larger than this are refused (the page's editor is for small programs).
const MAX_BODY: usize = 1 << 20;

pub struct ServeOptions {
    pub port: u16,
    pub file: Option<PathBuf>,
    pub budgets: Budgets,
    pub max_snapshots: usize,
}

#[derive(Serialize)]
struct FileInfo {
    name: String,
    design: String,
    source: String,
}

#[derive(Deserialize)]
struct RunRequest {
    design: String,
    source: String,
    name: Option<String>,
}

/// Serves until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), String> {
    let file = match &options.file {
        Some(path) => Some(read_file(path)?),
        None => None,
    };
    let server = Server::http(("127.0.0.1", options.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    println!("Switchyard playground: http://127.0.0.1:{port}/  (Ctrl-C stops it)");
    let file = std::sync::Arc::new(file);
    let (budgets, limit) = (options.budgets, options.max_snapshots);
    for request in server.incoming_requests() {
        let file = file.clone();
        // A run may take long (up to the fuel budget): one thread per request keeps the page's
        // other requests answered.
        std::thread::spawn(move || handle(request, file.as_ref().as_ref(), budgets, limit));
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<FileInfo, String> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = files::script_headers(&source).unwrap_or_default();
    let design = files::choose_design(None, &headers, path);
    Ok(FileInfo {
        name: path.display().to_string(),
        design: design.name().to_string(),
        source,
    })
}

fn handle(mut request: Request, file: Option<&FileInfo>, budgets: Budgets, limit: usize) {
    let url = request.url().split('?').next().unwrap_or("").to_string();
    let response = match (request.method(), url.as_str()) {
        (Method::Get, "/" | "/index.html") => text(INDEX_HTML, "text/html; charset=utf-8"),
        (Method::Get, "/app.js") => text(APP_JS, "text/javascript; charset=utf-8"),
        (Method::Get, "/app.css") => text(APP_CSS, "text/css; charset=utf-8"),
        (Method::Get, "/api/examples") => json(&playground::examples()),
        (Method::Get, "/api/proposals") => json(&playground::proposals()),
        (Method::Get, "/api/file") => json(&file),
        (Method::Get, "/favicon.ico") => text("", "text/plain").with_status_code(204),
        (Method::Post, "/api/run") => match read_run_request(&mut request) {
            Ok((design, source, name)) => {
                json(&playground::record(&name, &source, design, budgets, limit))
            }
            Err(message) => error(400, &message),
        },
        _ => error(404, "not found"),
    };
    // The client may have gone away; nothing to do then.
    let _ = request.respond(response);
}

fn read_run_request(request: &mut Request) -> Result<(Design, String, String), String> {
    let mut body = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| e.to_string())?;
    if body.len() > MAX_BODY {
        return Err(format!("the script is larger than {MAX_BODY} bytes"));
    }
    let run: RunRequest =
        serde_json::from_slice(&body).map_err(|e| format!("a bad run request: {e}"))?;
    let design: Design = run.design.parse()?;
    Ok((
        design,
        run.source,
        run.name.unwrap_or_else(|| "playground.wast".to_string()),
    ))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn text(body: &str, content_type: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
}

fn json<T: Serialize>(value: &T) -> Response<std::io::Cursor<Vec<u8>>> {
    match serde_json::to_string(value) {
        Ok(body) => text(&body, "application/json"),
        Err(e) => error(500, &e.to_string()),
    }
}

fn error(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let body = serde_json::json!({ "error": message }).to_string();
    text(&body, "application/json").with_status_code(status)
}

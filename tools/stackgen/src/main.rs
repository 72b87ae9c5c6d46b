//! `stackgen SEED [COUNT]`: prints the program of each seed from SEED on as a `.wast` script
//! (its coroutines under effect-handlers with `STACKGEN_DESIGN=effect-handlers`, its coroutines
//! and ping-pongs under raw-stacks with `STACKGEN_DESIGN=raw-stacks`).
#![forbid(unsafe_code)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse = |i: usize, default: u64| -> u64 {
        match args.get(i) {
            None => default,
            Some(a) => a.parse().unwrap_or_else(|_| {
                eprintln!("usage: stackgen SEED [COUNT]   (numbers; prints .wast to stdout)");
                std::process::exit(2)
            }),
        }
    };
    let design = std::env::var("STACKGEN_DESIGN").unwrap_or_default();
    let seed = parse(0, 0);
    for s in seed..seed + parse(1, 1) {
        let program = stackgen::Program::generate(s);
        let rendered = match design.as_str() {
            "effect-handlers" => stackgen::render::effect_handlers(&program),
            "raw-stacks" => stackgen::render::raw_stacks(&program),
            _ => stackgen::render(&program),
        };
        print!("{}", rendered.text);
    }
}

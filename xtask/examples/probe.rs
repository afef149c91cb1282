// Temporary probe (to be deleted): check_document on a file given on the command line.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let t = std::time::Instant::now();
    let problems = xtask::check_document(&path, &text);
    for p in &problems { println!("{p}"); }
    println!("{} problems in {:?}", problems.len(), t.elapsed());
}

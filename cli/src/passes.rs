use super::CliError;

pub fn run() -> Result<(), CliError> {
    println!("linear networks:");
    for p in optc::passes::linear_pipeline().passes() {
        println!("  {:<12} {}", p.name(), p.description());
    }
    println!("reducers:");
    for p in optc::passes::reducer_pipeline().passes() {
        println!("  {:<12} {}", p.name(), p.description());
    }
    Ok(())
}

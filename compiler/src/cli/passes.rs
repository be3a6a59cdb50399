use super::CliError;

pub fn run() -> Result<(), CliError> {
    println!("linear networks:");
    for p in crate::passes::linear_pipeline().passes() {
        println!("  {:<12} {}", p.name(), p.description());
    }
    println!("reducers:");
    for p in crate::passes::reducer_pipeline().passes() {
        println!("  {:<12} {}", p.name(), p.description());
    }
    Ok(())
}

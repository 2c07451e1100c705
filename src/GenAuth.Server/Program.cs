using GenAuth.Server.Ide;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.UseBananaCakePop("/graphql/v2");
app.MapGet("/healthz", () => "ok");
app.Run();

public partial class Program;

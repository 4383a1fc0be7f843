namespace Jit.Cli;

/// <summary>The <c>jit</c> command line.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("jit: no commands yet");
        return 2;
    }
}

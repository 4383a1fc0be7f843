namespace Jit.Benchmarks;

/// <summary>The models the benchmarks load: the committed PTMF fixtures by name, "big" generated, or a path.</summary>
public static class ModelFiles
{
    public static byte[] Read(string model)
    {
        if (model == "big") return BigModel.Build();
        if (File.Exists(model)) return File.ReadAllBytes(model);
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "ptmf", model + ".ptmf");
        if (!File.Exists(path)) throw new FileNotFoundException($"no fixture or file named '{model}'", path);
        return File.ReadAllBytes(path);
    }
}

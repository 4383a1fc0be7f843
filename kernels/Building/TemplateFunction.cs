namespace Jit.Kernels.Building;

/// <summary>
/// Instantiates one op's kernel for the call's arguments; throws
/// <see cref="UnsupportedArgumentsException"/> for combinations the template does not cover.
/// </summary>
internal delegate ExternKernel TemplateFunction(TemplateArgs args);

using ILGPU;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>
/// The one parameter every emitted kernel entry takes (ILGPU's typed launchers stop at 14
/// parameters; one struct passes any kernel): the buffers of the GpuProgram ABI as byte views
/// (each entry casts its own to the element type), then int64 slots holding each buffer's element
/// offset followed by the kernel's params. Generated layout; see <see cref="KernelArgsAccess"/>.
/// </summary>
public struct KernelArgs
{
    public const int MaxViews = 24, MaxLongs = 64;
    public ArrayView<byte> V0;
    public ArrayView<byte> V1;
    public ArrayView<byte> V2;
    public ArrayView<byte> V3;
    public ArrayView<byte> V4;
    public ArrayView<byte> V5;
    public ArrayView<byte> V6;
    public ArrayView<byte> V7;
    public ArrayView<byte> V8;
    public ArrayView<byte> V9;
    public ArrayView<byte> V10;
    public ArrayView<byte> V11;
    public ArrayView<byte> V12;
    public ArrayView<byte> V13;
    public ArrayView<byte> V14;
    public ArrayView<byte> V15;
    public ArrayView<byte> V16;
    public ArrayView<byte> V17;
    public ArrayView<byte> V18;
    public ArrayView<byte> V19;
    public ArrayView<byte> V20;
    public ArrayView<byte> V21;
    public ArrayView<byte> V22;
    public ArrayView<byte> V23;
    public long L0;
    public long L1;
    public long L2;
    public long L3;
    public long L4;
    public long L5;
    public long L6;
    public long L7;
    public long L8;
    public long L9;
    public long L10;
    public long L11;
    public long L12;
    public long L13;
    public long L14;
    public long L15;
    public long L16;
    public long L17;
    public long L18;
    public long L19;
    public long L20;
    public long L21;
    public long L22;
    public long L23;
    public long L24;
    public long L25;
    public long L26;
    public long L27;
    public long L28;
    public long L29;
    public long L30;
    public long L31;
    public long L32;
    public long L33;
    public long L34;
    public long L35;
    public long L36;
    public long L37;
    public long L38;
    public long L39;
    public long L40;
    public long L41;
    public long L42;
    public long L43;
    public long L44;
    public long L45;
    public long L46;
    public long L47;
    public long L48;
    public long L49;
    public long L50;
    public long L51;
    public long L52;
    public long L53;
    public long L54;
    public long L55;
    public long L56;
    public long L57;
    public long L58;
    public long L59;
    public long L60;
    public long L61;
    public long L62;
    public long L63;
}

using System.Reflection;
using ILGPU;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>Slots of <see cref="KernelArgs"/> by number: the host fills them, the emitter reads their fields.</summary>
internal static class KernelArgsAccess
{
    public static readonly FieldInfo[] ViewFields = [.. Enumerable.Range(0, KernelArgs.MaxViews).Select(i => typeof(KernelArgs).GetField("V" + i)!)];
    public static readonly FieldInfo[] LongFields = [.. Enumerable.Range(0, KernelArgs.MaxLongs).Select(i => typeof(KernelArgs).GetField("L" + i)!)];

    public static ref ArrayView<byte> View(ref KernelArgs a, int k)
    {
        switch (k)
        {
            case 0: return ref a.V0;
            case 1: return ref a.V1;
            case 2: return ref a.V2;
            case 3: return ref a.V3;
            case 4: return ref a.V4;
            case 5: return ref a.V5;
            case 6: return ref a.V6;
            case 7: return ref a.V7;
            case 8: return ref a.V8;
            case 9: return ref a.V9;
            case 10: return ref a.V10;
            case 11: return ref a.V11;
            case 12: return ref a.V12;
            case 13: return ref a.V13;
            case 14: return ref a.V14;
            case 15: return ref a.V15;
            case 16: return ref a.V16;
            case 17: return ref a.V17;
            case 18: return ref a.V18;
            case 19: return ref a.V19;
            case 20: return ref a.V20;
            case 21: return ref a.V21;
            case 22: return ref a.V22;
            case 23: return ref a.V23;
            default: throw new ArgumentOutOfRangeException(nameof(k));
        }
    }

    public static ref long Long(ref KernelArgs a, int k)
    {
        switch (k)
        {
            case 0: return ref a.L0;
            case 1: return ref a.L1;
            case 2: return ref a.L2;
            case 3: return ref a.L3;
            case 4: return ref a.L4;
            case 5: return ref a.L5;
            case 6: return ref a.L6;
            case 7: return ref a.L7;
            case 8: return ref a.L8;
            case 9: return ref a.L9;
            case 10: return ref a.L10;
            case 11: return ref a.L11;
            case 12: return ref a.L12;
            case 13: return ref a.L13;
            case 14: return ref a.L14;
            case 15: return ref a.L15;
            case 16: return ref a.L16;
            case 17: return ref a.L17;
            case 18: return ref a.L18;
            case 19: return ref a.L19;
            case 20: return ref a.L20;
            case 21: return ref a.L21;
            case 22: return ref a.L22;
            case 23: return ref a.L23;
            case 24: return ref a.L24;
            case 25: return ref a.L25;
            case 26: return ref a.L26;
            case 27: return ref a.L27;
            case 28: return ref a.L28;
            case 29: return ref a.L29;
            case 30: return ref a.L30;
            case 31: return ref a.L31;
            case 32: return ref a.L32;
            case 33: return ref a.L33;
            case 34: return ref a.L34;
            case 35: return ref a.L35;
            case 36: return ref a.L36;
            case 37: return ref a.L37;
            case 38: return ref a.L38;
            case 39: return ref a.L39;
            case 40: return ref a.L40;
            case 41: return ref a.L41;
            case 42: return ref a.L42;
            case 43: return ref a.L43;
            case 44: return ref a.L44;
            case 45: return ref a.L45;
            case 46: return ref a.L46;
            case 47: return ref a.L47;
            case 48: return ref a.L48;
            case 49: return ref a.L49;
            case 50: return ref a.L50;
            case 51: return ref a.L51;
            case 52: return ref a.L52;
            case 53: return ref a.L53;
            case 54: return ref a.L54;
            case 55: return ref a.L55;
            case 56: return ref a.L56;
            case 57: return ref a.L57;
            case 58: return ref a.L58;
            case 59: return ref a.L59;
            case 60: return ref a.L60;
            case 61: return ref a.L61;
            case 62: return ref a.L62;
            case 63: return ref a.L63;
            default: throw new ArgumentOutOfRangeException(nameof(k));
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Jit.Errors;

namespace Jit.Ir.Text;

/// <summary>
/// Parses PyTorch's textual graph IR (what <see cref="IrPrinter"/> and <c>print(module.graph)</c>
/// write) into a <see cref="Graph"/>. Numeric value names become value ids and other names debug
/// names, so printing the result reproduces the text. Every problem is a
/// <see cref="JitParseException"/> with line and column.
/// </summary>
public sealed partial class IrParser
{
    private static readonly Regex NumericValueName = new(@"%(\d{1,9})(?![\w.])", RegexOptions.CultureInvariant);
    private static readonly Regex GroupHeader = new(@"^with ([\w:.]+) = ", RegexOptions.Multiline | RegexOptions.CultureInvariant);
    private static readonly Regex SourceLocation = new(@"^(.+):(\d{1,9}):(\d{1,9})$", RegexOptions.CultureInvariant);
    private static readonly Regex GroupKind = new(@"^(.+)_(\d{1,9})$", RegexOptions.CultureInvariant);

    private readonly IrLexer _lexer;
    private readonly HashSet<string> _groupNames;
    private readonly int _maxNumericName;

    private IrParser(string text, string? sourceName)
    {
        _lexer = new IrLexer(text, sourceName);
        // Group nodes print as `kind_N` and their subgraphs follow as `with kind_N = graph(...)`;
        // knowing the names up front tells a group node from an ordinary one.
        _groupNames = GroupHeader.Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        _maxNumericName = NumericValueName.Matches(text)
            .Select(m => int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : -1)
            .DefaultIfEmpty(-1).Max();
    }

    /// <summary>Parses one graph (with its <c>with ... = graph</c> groups, if any).</summary>
    public static Graph Parse(string text, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new IrParser(text, sourceName);
        try
        {
            parser._lexer.SkipBlankLines();
            var g = parser.ParseGraph();
            parser._lexer.SkipBlankLines();
            if (!parser._lexer.AtEnd) throw parser._lexer.Error($"expected end of text after the graph but found {parser._lexer.Describe()}");
            return g;
        }
        catch (JitParseException)
        {
            throw;
        }
        catch (JitException e)
        {
            // An IR rule broken by the text (a bad name, say): report it where the parser stood.
            throw parser._lexer.Error(e.Message);
        }
    }

    /// <summary>State for one graph: its values by name, and its group nodes in print order.</summary>
    private sealed class GraphScope(Graph graph)
    {
        public Graph Graph { get; } = graph;
        public Dictionary<string, Value> Values { get; } = new(StringComparer.Ordinal);
        public List<(Node Node, string Name)> Groups { get; } = [];
    }

    private Graph ParseGraph()
    {
        var scope = new GraphScope(new Graph());
        scope.Graph.ReserveValueId(_maxNumericName);
        _lexer.Expect("graph(", "to start a graph");
        var inputs = ParseValueDefinitions(")", scope);
        foreach (var (name, type, position) in inputs)
            Define(scope, scope.Graph.AddInput(null, type), name, position);
        _lexer.Expect(")", "after the graph inputs");
        _lexer.Expect(":", "after the graph inputs");
        _lexer.ExpectEndOfLine("after 'graph(...):'");
        ParseNodes(scope, scope.Graph.Block, "return");
        _lexer.Expect("return", "at the end of the graph");
        foreach (var v in ParseValueRefList(scope, "graph outputs")) scope.Graph.RegisterOutput(v);
        _lexer.ExpectEndOfLine("after the graph's return");
        for (int i = 0; i < scope.Groups.Count; i++)
        {
            _lexer.SkipBlankLines();
            string expected = scope.Groups[i].Name;
            if (!_lexer.TryConsume("with " + expected + " = "))
                throw _lexer.Error($"expected 'with {expected} = graph(...)' for group node {expected} but found {_lexer.Describe()}");
            using var nest = _lexer.Nest();
            scope.Groups[i].Node.SetAttribute(IrPrinter.SubgraphAttribute, Attribute.Of(ParseGraph()));
        }
        return scope.Graph;
    }

    /// <summary>Nodes up to (not including) the line that starts with <paramref name="terminator"/>.</summary>
    private void ParseNodes(GraphScope scope, Block block, string terminator)
    {
        while (true)
        {
            _lexer.SkipBlankLines();
            if (_lexer.AtEnd) throw _lexer.Error($"expected '{terminator}' but the text ended");
            if (_lexer.LookingAt(terminator)) return;
            ParseNode(scope, block);
        }
    }

    private void ParseNode(GraphScope scope, Block block)
    {
        var outputs = ParseValueDefinitions("=", scope);
        _lexer.Expect("=", "between a node's outputs and its kind");
        _lexer.SkipSpaces();
        int kindPosition = _lexer.Position;
        string kind = _lexer.ReadQualifiedName("a node kind such as aten::add");
        if (!kind.Contains("::", StringComparison.Ordinal))
            throw _lexer.ErrorAt(kindPosition, $"expected a node kind with a namespace (aten::add) but found '{kind}'");
        bool isGroup = false;
        if (_groupNames.Contains(kind) && GroupKind.Match(kind) is { Success: true } m)
        {
            int index = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (index != scope.Groups.Count)
                throw _lexer.ErrorAt(kindPosition, $"group {kind} is out of order: expected number {scope.Groups.Count}");
            isGroup = true;
            kind = m.Groups[1].Value;
        }
        var node = scope.Graph.Create(kind, null, 0);
        if (isGroup) scope.Groups.Add((node, kind + "_" + scope.Groups.Count));
        if (_lexer.TryConsume("[")) ParseAttributes(node, outputs.Select(o => o.Type).ToList());
        foreach (var input in ParseValueRefList(scope, "node inputs")) node.AddInput(input);
        foreach (var (name, type, position) in outputs) Define(scope, node.AddOutput(type), name, position);
        _lexer.SkipSpaces();
        if (_lexer.Current == '#')
        {
            _lexer.Position++;
            node.SourceRange = ParseSourceRange(_lexer.RestOfLine().Trim());
        }
        _lexer.ExpectEndOfLine("after a node");
        block.AppendNode(node);
        ParseBlocks(scope, node);
    }

    private void ParseBlocks(GraphScope scope, Node node)
    {
        while (true)
        {
            int saved = _lexer.Position;
            _lexer.SkipBlankLines();
            string expected = "block" + node.Blocks.Count.ToString(CultureInfo.InvariantCulture) + "(";
            if (!_lexer.TryConsume(expected))
            {
                if (_lexer.LookingAt("block")) throw _lexer.Error($"expected '{expected}' but found {_lexer.Describe()}");
                _lexer.Position = saved;
                return;
            }
            using var nest = _lexer.Nest();
            var block = node.AddBlock();
            foreach (var (name, type, position) in ParseValueDefinitions(")", scope))
                Define(scope, block.AddInput(null, type), name, position);
            _lexer.Expect(")", "after the block inputs");
            _lexer.Expect(":", "after the block inputs");
            _lexer.ExpectEndOfLine("after 'blockN(...):'");
            ParseNodes(scope, block, "->");
            _lexer.Expect("->", "at the end of a block");
            foreach (var v in ParseValueRefList(scope, "block outputs")) block.RegisterOutput(v);
            _lexer.SkipSpaces();
            _lexer.ExpectEndOfLine("after a block's outputs");
        }
    }

    private static SourceRange? ParseSourceRange(string comment)
    {
        // Only `file:line:col` comments are source ranges; FileCheck directives and the like are not.
        var m = SourceLocation.Match(comment);
        if (!m.Success) return null;
        return new SourceRange(m.Groups[1].Value,
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    /// <summary><c>%a : Tensor, %b : int</c> (types optional, then unrefined Tensor) up to <paramref name="end"/>.</summary>
    private List<(string Name, JitType Type, int Position)> ParseValueDefinitions(string end, GraphScope scope)
    {
        var result = new List<(string, JitType, int)>();
        _lexer.SkipSpaces();
        if (_lexer.LookingAt(end)) return result;
        while (true)
        {
            _lexer.SkipBlankLines();
            int position = _lexer.Position;
            _lexer.Expect("%", "to start a value name");
            string name = _lexer.ReadValueName();
            if (scope.Values.ContainsKey(name) || result.Any(r => r.Item1 == name))
                throw _lexer.ErrorAt(position, $"value %{name} is defined twice");
            JitType type = _lexer.TryConsume(":") ? ParseType() : TensorType.Unknown;
            result.Add((name, type, position));
            if (!_lexer.TryConsume(",")) return result;
        }
    }

    private void Define(GraphScope scope, Value v, string name, int position)
    {
        if (name.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw _lexer.ErrorAt(position, $"value id %{name} is too large");
            v.Id = id;
        }
        else
        {
            v.SetDebugName(name);
        }
        scope.Values[name] = v;
    }

    /// <summary><c>(%a, %b)</c>.</summary>
    private List<Value> ParseValueRefList(GraphScope scope, string what)
    {
        _lexer.Expect("(", $"to start the {what}");
        var values = new List<Value>();
        if (_lexer.TryConsume(")")) return values;
        while (true)
        {
            _lexer.SkipSpaces();
            int position = _lexer.Position;
            _lexer.Expect("%", $"in the {what}");
            string name = _lexer.ReadValueName();
            if (!scope.Values.TryGetValue(name, out var v)) throw _lexer.ErrorAt(position, $"use of undefined value %{name}");
            values.Add(v);
            if (_lexer.TryConsume(")")) return values;
            _lexer.Expect(",", $"between {what}");
        }
    }
}

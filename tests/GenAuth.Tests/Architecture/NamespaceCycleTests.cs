using System.Text;
using System.Text.RegularExpressions;

namespace GenAuth.Tests.Architecture;

/// <summary>
/// Capability folders must not import each other in a cycle (a capability can then be read, changed and tested on its
/// own). The graph is built from the source: each file's namespace declaration gives its node, its using lines (and
/// fully qualified GenAuth.X.Y. references) give the edges. A node is the first segment after the project:
/// GenAuth.GraphQL.Users, GenAuth.Core.Tokens. Files of the project's root namespace (composition roots) are no node.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    [Fact]
    public void GraphQLHasNoNamespaceCycles()
    {
        var graph = NamespaceGraph.Build("GenAuth.GraphQL", ignored: []);
        Assert.True(graph.Nodes.Count >= 10, $"expected the GraphQL capability folders, found {string.Join(", ", graph.Nodes)}");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, graph.Describe(cycles));
    }

    /// <summary>
    /// Note: expected to FAIL until Core's capability cycles are broken (issue 9, item 2, done on another branch);
    /// the lead turns it green when that lands. Data is left out: the DbContext lists every entity by design.
    /// </summary>
    [Fact]
    public void CoreHasNoNamespaceCycles()
    {
        var graph = NamespaceGraph.Build("GenAuth.Core", ignored: ["Data"]);
        Assert.True(graph.Nodes.Count >= 10, $"expected the Core capability folders, found {string.Join(", ", graph.Nodes)}");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, graph.Describe(cycles));
    }

    /// <summary>The detector itself: a planted cycle is found and printed, an acyclic graph passes.</summary>
    [Fact]
    public void DetectorFindsAPlantedCycle()
    {
        var graph = new NamespaceGraph("P");
        graph.AddEdge("A", "B", "a.cs");
        graph.AddEdge("B", "C", "b.cs");
        graph.AddEdge("C", "A", "c.cs");
        graph.AddEdge("C", "D", "c.cs");
        var cycles = graph.Cycles();
        Assert.Single(cycles);
        Assert.Equal(["A", "B", "C"], cycles[0].Order());
        Assert.Contains("P.A -> P.B", graph.Describe(cycles));

        var acyclic = new NamespaceGraph("P");
        acyclic.AddEdge("A", "B", "a.cs");
        acyclic.AddEdge("A", "C", "a.cs");
        acyclic.AddEdge("B", "C", "b.cs");
        Assert.Empty(acyclic.Cycles());
    }

    internal sealed partial class NamespaceGraph(string project)
    {
        private readonly SortedDictionary<string, SortedDictionary<string, string>> _edges = new(StringComparer.Ordinal);

        public SortedSet<string> Nodes { get; } = new(StringComparer.Ordinal);

        public static NamespaceGraph Build(string project, IReadOnlyCollection<string> ignored)
        {
            var root = RepositoryRoot();
            var dir = Path.Combine(root, "src", project);
            var graph = new NamespaceGraph(project);
            var reference = new Regex(@"(?<![\w.])(?:global::)?" + Regex.Escape(project) + @"\.([A-Z]\w*)\b");
            // Note: inside the project a sibling namespace can also be named relatively (Codes.PhoneNumbersParser).
            var folders = Directory.GetDirectories(dir).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).ToList();
            var sibling = new Regex(@"(?<![\w.""/])(" + string.Join("|", folders.Select(f => Regex.Escape(f!))) + @")\.[A-Z]\w*");
            foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.Contains("/obj/") || relative.Contains("/bin/"))
                    continue;
                var text = File.ReadAllText(file);
                var ns = NamespaceLine().Match(text);
                if (!ns.Success)
                    continue;
                var from = NodeOf(project, ns.Groups[1].Value);
                if (from is null || ignored.Contains(from))
                    continue;
                graph.Nodes.Add(from);
                var code = LineComment().Replace(text, "");
                foreach (var m in reference.Matches(code).Concat(sibling.Matches(code)))
                {
                    var to = m.Groups[1].Value;
                    // Note: a type directly in the project's root namespace (GenAuth.Core.X where X is a type) is no node.
                    if (to != from && !ignored.Contains(to) && Directory.Exists(Path.Combine(dir, to)))
                        graph.AddEdge(from, to, relative);
                }
            }
            return graph;
        }

        public void AddEdge(string from, string to, string evidence)
        {
            Nodes.Add(from);
            Nodes.Add(to);
            if (!_edges.TryGetValue(from, out var targets))
                _edges[from] = targets = new SortedDictionary<string, string>(StringComparer.Ordinal);
            targets.TryAdd(to, evidence);
        }

        /// <summary>The strongly connected components with more than one node (Tarjan), each a set of namespaces in a cycle.</summary>
        public List<Component> Cycles()
        {
            var index = 0;
            var indices = new Dictionary<string, int>();
            var low = new Dictionary<string, int>();
            var stack = new Stack<string>();
            var onStack = new HashSet<string>();
            var result = new List<Component>();

            void Visit(string v)
            {
                indices[v] = low[v] = index++;
                stack.Push(v);
                onStack.Add(v);
                foreach (var w in Targets(v))
                {
                    if (!indices.ContainsKey(w))
                    {
                        Visit(w);
                        low[v] = Math.Min(low[v], low[w]);
                    }
                    else if (onStack.Contains(w))
                        low[v] = Math.Min(low[v], indices[w]);
                }
                if (low[v] != indices[v])
                    return;
                var members = new SortedSet<string>(StringComparer.Ordinal);
                string x;
                do
                {
                    x = stack.Pop();
                    onStack.Remove(x);
                    members.Add(x);
                } while (x != v);
                if (members.Count > 1)
                    result.Add(new Component(this, members));
            }

            foreach (var node in Nodes)
                if (!indices.ContainsKey(node))
                    Visit(node);
            return result;
        }

        public string Describe(IReadOnlyList<Component> cycles)
        {
            var text = new StringBuilder($"{cycles.Count} import cycle(s) among {project}'s capability namespaces:\n");
            foreach (var cycle in cycles)
            {
                text.Append($"- {cycle.Members.Count} namespaces: {string.Join(", ", cycle.Members)}\n  e.g. ");
                var path = cycle.Order();
                text.Append(string.Join(" -> ", path.Append(path[0]).Select(n => $"{project}.{n}"))).Append('\n');
                for (var i = 0; i < path.Count; i++)
                {
                    var (from, to) = (path[i], path[(i + 1) % path.Count]);
                    text.Append($"    {from} -> {to}: {_edges[from][to]}\n");
                }
            }
            return text.ToString();
        }

        private IEnumerable<string> Targets(string node) =>
            _edges.TryGetValue(node, out var targets) ? targets.Keys : [];

        private static string? NodeOf(string project, string ns) =>
            ns.StartsWith(project + ".", StringComparison.Ordinal) ? ns[(project.Length + 1)..].Split('.')[0] : null;

        private static string RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("GenAuth.sln not found above " + AppContext.BaseDirectory);
        }

        [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
        private static partial Regex NamespaceLine();

        [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
        private static partial Regex LineComment();

        /// <summary>One cycle: its members, and a shortest closed walk through them for the message.</summary>
        public sealed class Component(NamespaceGraph graph, SortedSet<string> members)
        {
            public SortedSet<string> Members { get; } = members;

            /// <summary>A cycle through the component's first member, found by breadth-first search back to it.</summary>
            public List<string> Order()
            {
                var start = Members.Min!;
                var previous = new Dictionary<string, string>();
                var queue = new Queue<string>([start]);
                while (queue.Count > 0)
                {
                    var node = queue.Dequeue();
                    foreach (var next in graph.Targets(node).Where(Members.Contains))
                    {
                        if (next == start)
                        {
                            var path = new List<string> { node };
                            while (path[^1] != start)
                                path.Add(previous[path[^1]]);
                            path.Reverse();
                            return path;
                        }
                        if (previous.TryAdd(next, node))
                            queue.Enqueue(next);
                    }
                }
                return [.. Members];
            }
        }
    }
}

using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace GenAuth.Core.Data;

/// <summary>
/// A compiled query (or a set of them), compiled once per EF model. EF refuses to run a compiled query with another
/// model than the one it first ran with, and one process can hold several: the SQLite and the PostgreSQL context, and
/// in tests a model per test server.
/// </summary>
public sealed class PerModel<T>(Func<T> compile) where T : class
{
    private readonly ConditionalWeakTable<IModel, T> _compiled = new();
    private readonly ConditionalWeakTable<IModel, T>.CreateValueCallback _create = _ => compile();

    public T For(DbContext db) => _compiled.GetValue(db.Model, _create);
}

{% macro connected_components(memberships, node_column, group_column, rounds) -%}
    {#- Connected components of the bipartite node-group graph, as portable SQL.
        Nodes and groups are first numbered (dense_rank in id order), so the rounds join
        integers, not long path and group-key strings: ten times faster on ten million
        similarity pairs. Each round lets every group take the smallest label of its
        members and every node the smallest label of its groups, then jumps each label to
        its own label (pointer jumping), so long chains merge in a logarithmic number of
        rounds. Labels are node numbers in id order, so a component's label is its smallest
        member: stable however the input files are chunked. The test `components_converged`
        fails if `rounds` was too few. `memberships` is a relation or an aliased subquery, not a
        CTE of the caller: on Spark the steps run as statements of their own.
        Expands to CTEs named cc_*; the last one, cc_components, has (node_id, component_id). -#}
    {{ return(adapter.dispatch('connected_components', 'vl_clean')(memberships, node_column, group_column, rounds)) }}
{%- endmacro %}

{% macro default__connected_components(memberships, node_column, group_column, rounds) -%}
    {%- set steps = connected_components_steps(memberships, node_column, group_column, rounds) -%}
    {%- set names = {} -%}
    {%- for name, sql in steps -%}
        {%- do names.update({name: 'cc_' ~ name}) -%}
    {%- endfor -%}
    {%- for name, sql in steps %}
    cc_{{ name }} as (
        {{ cc_step_sql(sql, names) }}
    ){{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro spark__connected_components(memberships, node_column, group_column, rounds) -%}
    {#- Spark inlines every CTE and view, and each round reads the one before twice
        (pointer jumping), so one query would grow as 2^rounds (minutes, then out of memory,
        on a few hundred rows). The numbered nodes, the edges and each round's labels are
        written as scratch tables instead, which cuts the plan at every round; the other
        steps are session views over them. A unit test's inputs are CTEs of its one query,
        which no scratch table can read: the clustering unit tests run on DuckDB only. -#}
    {%- set steps = connected_components_steps(memberships, node_column, group_column, rounds) -%}
    {%- set tables = ['nodes', 'edges'] -%}
    {%- for i in range(1, rounds + 1) -%}
        {%- do tables.append('labels_' ~ i) -%}
    {%- endfor -%}
    {%- set names = {} -%}
    {%- for name, sql in steps -%}
        {%- set scratch = 'cc_scratch__' ~ this.identifier ~ '__' ~ name -%}
        {%- do names.update({name: (this.schema ~ '.' ~ scratch) if name in tables else scratch}) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for name, sql in steps[:-1] -%}
            {%- if name in tables -%}
                {%- do run_query("drop table if exists " ~ names[name]) -%}
                {%- do run_query("create table " ~ names[name] ~ " using parquet as " ~ cc_step_sql(sql, names)) -%}
            {%- else -%}
                {%- do run_query("create or replace temporary view " ~ names[name] ~ " as " ~ cc_step_sql(sql, names)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    cc_components as (
        {{ cc_step_sql(steps[-1][1], names) }}
    )
{%- endmacro %}

{% macro cc_step_sql(sql, names) -%}
    {#- A step's select with each <<step>> placeholder replaced by that step's relation. -#}
    {%- set resolved = namespace(text=sql) -%}
    {%- for name, relation in names.items() -%}
        {%- set resolved.text = resolved.text | replace('<<' ~ name ~ '>>', relation) -%}
    {%- endfor -%}
    {{ return(resolved.text) }}
{%- endmacro %}

{% macro connected_components_steps(memberships, node_column, group_column, rounds) -%}
    {#- The algorithm as (name, select) steps; a select reads an earlier step as <<name>>. -#}
    {%- set steps = [] -%}
    {%- do steps.append(('pairs', "select cast(" ~ node_column ~ " as " ~ dbt.type_string() ~ ") as node_key, "
        ~ "cast(" ~ group_column ~ " as " ~ dbt.type_string() ~ ") as group_key from " ~ memberships)) -%}
    {%- do steps.append(('nodes', "select node_key, dense_rank() over (order by node_key) as node_id "
        ~ "from (select distinct node_key from <<pairs>>) as distinct_nodes")) -%}
    {%- do steps.append(('groups', "select group_key, dense_rank() over (order by group_key) as group_id "
        ~ "from (select distinct group_key from <<pairs>>) as distinct_groups")) -%}
    {%- do steps.append(('edges', "select distinct nodes.node_id, groups_numbered.group_id "
        ~ "from <<pairs>> as pairs "
        ~ "inner join <<nodes>> as nodes on pairs.node_key = nodes.node_key "
        ~ "inner join <<groups>> as groups_numbered on pairs.group_key = groups_numbered.group_key")) -%}
    {%- do steps.append(('labels_0', "select node_id, node_id as label from <<nodes>>")) -%}
    {%- for i in range(1, rounds + 1) -%}
        {%- do steps.append(('group_labels_' ~ i,
            "select edges.group_id, min(labels.label) as label from <<edges>> as edges "
            ~ "inner join <<labels_" ~ (i - 1) ~ ">> as labels on edges.node_id = labels.node_id "
            ~ "group by edges.group_id")) -%}
        {%- do steps.append(('node_labels_' ~ i,
            "select edges.node_id, min(group_labels.label) as label from <<edges>> as edges "
            ~ "inner join <<group_labels_" ~ i ~ ">> as group_labels on edges.group_id = group_labels.group_id "
            ~ "group by edges.node_id")) -%}
        {%- do steps.append(('labels_' ~ i,
            "select node_labels.node_id, "
            ~ "least(node_labels.label, coalesce(label_of_label.label, node_labels.label)) as label "
            ~ "from <<node_labels_" ~ i ~ ">> as node_labels "
            ~ "left join <<node_labels_" ~ i ~ ">> as label_of_label on node_labels.label = label_of_label.node_id")) -%}
    {%- endfor -%}
    {%- do steps.append(('components', "select nodes.node_key as node_id, anchors.node_key as component_id "
        ~ "from <<labels_" ~ rounds ~ ">> as labels "
        ~ "inner join <<nodes>> as nodes on labels.node_id = nodes.node_id "
        ~ "inner join <<nodes>> as anchors on labels.label = anchors.node_id")) -%}
    {{ return(steps) }}
{%- endmacro %}


{% macro similarity_level(similarity) -%}
    {#- The level a similarity pair counts at: its similarity, or var duplicate_threshold
        when it is at or above it (a pair at 1.0 is also a duplicate at 0.99), so the
        exact clusters (level = threshold) and the near-duplicate range both find it. -#}
    case
        when {{ similarity }} >= {{ var('duplicate_threshold') }} - 0.0000001
            then cast({{ var('duplicate_threshold') }} as {{ dbt.type_float() }})
        else cast({{ similarity }} as {{ dbt.type_float() }})
    end
{%- endmacro %}

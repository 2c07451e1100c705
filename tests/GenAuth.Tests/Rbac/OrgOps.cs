namespace GenAuth.Tests.Rbac;

public static class OrgOps
{
    public const string NodeFields = "id orgId name nameI18n description descriptionI18n order code root depth path createdAt updatedAt children";
    public const string OrgFields = "id rootNode { " + NodeFields + " } nodes { " + NodeFields + " }";
    public const string CreateOrg = "mutation($name: String!, $code: String, $description: String, $tenantId: String) { createOrg(name: $name, code: $code, description: $description, tenantId: $tenantId) { " + OrgFields + " } }";
    public const string DeleteOrg = "mutation($id: String!) { deleteOrg(id: $id) { message code } }";
    public const string Orgs = "query($page: Int, $limit: Int, $sortBy: SortByEnum) { orgs(page: $page, limit: $limit, sortBy: $sortBy) { totalCount list { id rootNode { id name nameI18n descriptionI18n } nodes { id name } } } }";
    public const string Org = "query($id: String!) { org(id: $id) { " + OrgFields + " } }";
    public const string AddNode = "mutation($orgId: String!, $parentNodeId: String, $name: String!, $nameI18n: String, $description: String, $descriptionI18n: String, $order: Int, $code: String) { addNode(orgId: $orgId, parentNodeId: $parentNodeId, name: $name, nameI18n: $nameI18n, description: $description, descriptionI18n: $descriptionI18n, order: $order, code: $code) { " + OrgFields + " } }";
    public const string AddNodeV2 = "mutation($orgId: String!, $parentNodeId: String, $name: String!, $nameI18n: String, $description: String, $descriptionI18n: String, $order: Int, $code: String) { addNodeV2(orgId: $orgId, parentNodeId: $parentNodeId, name: $name, nameI18n: $nameI18n, description: $description, descriptionI18n: $descriptionI18n, order: $order, code: $code) { " + NodeFields + " } }";
    public const string UpdateNode = "mutation($id: String!, $name: String, $code: String, $description: String) { updateNode(id: $id, name: $name, code: $code, description: $description) { " + NodeFields + " users { totalCount } } }";
    public const string DeleteNode = "mutation($orgId: String!, $nodeId: String!) { deleteNode(orgId: $orgId, nodeId: $nodeId) { message code } }";
    public const string MoveNode = "mutation($orgId: String!, $nodeId: String!, $targetParentId: String!) { moveNode(orgId: $orgId, nodeId: $nodeId, targetParentId: $targetParentId) { " + OrgFields + " } }";
    public const string NodeById = "query($id: String!) { nodeById(id: $id) { " + NodeFields + " codePath namePath } }";
    public const string NodeByCode = "query($orgId: String!, $code: String!) { nodeByCode(orgId: $orgId, code: $code) { " + NodeFields + " } }";
    public const string NodeByIdWithMembers = "query($page: Int, $limit: Int, $sortBy: SortByEnum, $includeChildrenNodes: Boolean, $id: String!) { nodeById(id: $id) { id name users(page: $page, limit: $limit, sortBy: $sortBy, includeChildrenNodes: $includeChildrenNodes) { totalCount list { id } } } }";
    public const string ChildrenNodes = "query($nodeId: String!) { childrenNodes(nodeId: $nodeId) { " + NodeFields + " } }";
    public const string RootNode = "query($orgId: String!) { rootNode(orgId: $orgId) { " + NodeFields + " codePath namePath } }";
    public const string IsRootNode = "query($nodeId: String!, $orgId: String!) { isRootNode(nodeId: $nodeId, orgId: $orgId) }";
    public const string SearchNodes = "query($keyword: String!) { searchNodes(keyword: $keyword) { " + NodeFields + " codePath namePath } }";
    public const string AddMember = "mutation($nodeId: String, $orgId: String, $nodeCode: String, $userIds: [String!]!, $isLeader: Boolean) { addMember(nodeId: $nodeId, orgId: $orgId, nodeCode: $nodeCode, userIds: $userIds, isLeader: $isLeader) { id users { totalCount list { id } } } }";
    public const string RemoveMember = "mutation($nodeId: String, $orgId: String, $nodeCode: String, $userIds: [String!]!) { removeMember(nodeId: $nodeId, orgId: $orgId, nodeCode: $nodeCode, userIds: $userIds) { id users { totalCount list { id } } } }";
    public const string MoveMembers = "mutation($userIds: [String!]!, $sourceNodeId: String!, $targetNodeId: String!) { moveMembers(userIds: $userIds, sourceNodeId: $sourceNodeId, targetNodeId: $targetNodeId) { code message } }";
    public const string SetMainDepartment = "mutation($userId: String!, $departmentId: String) { setMainDepartment(userId: $userId, departmentId: $departmentId) { message code } }";
    public const string GetUserDepartments = "query($id: String!, $orgId: String) { user(id: $id) { departments(orgId: $orgId) { totalCount list { isMainDepartment joinedAt department { id orgId name nameI18n description descriptionI18n order code root depth path codePath namePath createdAt updatedAt children isVirtualNode } } } } }";
}

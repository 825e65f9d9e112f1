import Foundation

/// slurm.conf and slurmdbd.conf for the test cluster: one node (localhost,
/// CPUs as nproc says), no cgroup plugins (proctrack/linuxproc, task/none),
/// munge through the test's own socket, accounting in slurmdbd.
struct SlurmConfig {
    let directory: String
    let munge: String
    let ctld: Int, slurmd: Int, dbd: Int, db: Int

    func write() throws {
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let slurm = """
            ClusterName=kaitest
            SlurmctldHost=localhost
            SlurmctldPort=\(ctld)
            SlurmdPort=\(slurmd)
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket=\(munge)
            StateSaveLocation=\(directory)/state
            SlurmdSpoolDir=\(directory)/spool
            SlurmctldPidFile=\(directory)/slurmctld.pid
            SlurmdPidFile=\(directory)/slurmd.pid
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            MpiDefault=none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/slurmdbd
            AccountingStorageHost=127.0.0.1
            AccountingStoragePort=\(dbd)
            AccountingStoragePass=\(munge)
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            ReturnToService=2
            NodeName=localhost NodeAddr=127.0.0.1 CPUs=\(cpus) State=UNKNOWN
            PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP

            """
        let slurmdbd = """
            AuthType=auth/munge
            AuthInfo=socket=\(munge)
            DbdHost=localhost
            DbdAddr=127.0.0.1
            DbdPort=\(dbd)
            SlurmUser=root
            PidFile=\(directory)/slurmdbd.pid
            StorageType=accounting_storage/mysql
            StorageHost=127.0.0.1
            StoragePort=\(db)
            StorageUser=root
            StorageLoc=kai_slurm_acct

            """
        try slurm.write(toFile: directory + "/slurm.conf", atomically: true, encoding: .utf8)
        try slurmdbd.write(toFile: directory + "/slurmdbd.conf", atomically: true, encoding: .utf8)
        // slurmdbd refuses a config others can read (it may hold a password).
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory + "/slurmdbd.conf")
    }
}

/// Ports nothing listens on now, found by binding to port 0.
enum FreePorts {
    static func take(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = [], ports: [Int] = []
        defer { sockets.forEach { close($0) } }
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SlurmClusterError("socket failed: \(String(cString: strerror(errno)))") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw SlurmClusterError("bind failed: \(String(cString: strerror(errno)))") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
